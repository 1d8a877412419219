//! Where the year stands: every invited organization with its state, and the
//! files that could not be attributed to anyone.

use serde::Serialize;

use crate::store::{Attribution, Channel, Generation, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Accepted,
    AcceptedWithWarnings,
    Rejected,
    /// Nothing for the year, but a file whose reporting year is unknown: it
    /// may be this year's, so the organization is not said to be missing.
    YearUnknown,
    Missing,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Accepted => "accepted",
            State::AcceptedWithWarnings => "accepted with warnings",
            State::Rejected => "rejected",
            State::YearUnknown => "year unknown",
            State::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub organization: String,
    pub name: String,
    /// In the register of invited organizations.
    pub invited: bool,
    pub state: State,
    /// When the submission in force (or the last rejected file) was received.
    pub received: Option<String>,
    pub actions: Option<usize>,
    pub warnings: Option<usize>,
    /// Every file received from the organization for the year, oldest first,
    /// with what became of it.
    pub files: Vec<FileState>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileState {
    pub file: String,
    pub sha256: String,
    pub outcome: &'static str,
    /// When the secretariat received it.
    pub received: String,
    /// When it was ingested.
    pub ingested: String,
    /// How it reached the secretariat.
    #[serde(skip_serializing_if = "Channel::is_files")]
    pub channel: Channel,
    /// Whose file it is, when known.
    pub organization: Option<String>,
    /// For which reporting year, when known.
    pub year: Option<i64>,
    /// How its organization and year were known, when not from its content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributed_by: Option<&'static str>,
    /// The main reasons a rejected file was rejected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub year: Option<i64>,
    pub rows: Vec<Row>,
    /// Files whose organization or year is unknown, of every year: until the
    /// secretariat says whose they are, no year's status can count them.
    pub unattributed: Vec<FileState>,
}

impl Status {
    pub fn count(&self, state: State) -> usize {
        self.rows.iter().filter(|r| r.state == state).count()
    }
}

/// The state of a year (the latest in the store when `year` is None).
pub fn status(generation: &Generation, year: Option<i64>) -> crate::store::Result<Status> {
    let ledger = generation.ledger()?;
    let year = year.or_else(|| ledger.years().last().copied());
    let register = generation.register(year)?;
    let file_state = |e: &crate::store::Entry| FileState {
        file: e.file.clone(),
        sha256: e.sha256.clone(),
        channel: e.channel,
        outcome: e.outcome.as_str(),
        received: e.received.clone(),
        ingested: e.ingested.clone(),
        organization: e.organization.clone(),
        year: e.year,
        attributed_by: match e.attributed_by {
            Attribution::Content => None,
            Attribution::Path => Some("its file name or folder"),
            Attribution::Secretariat => Some("the secretariat"),
        },
        reasons: if e.outcome == Outcome::Rejected {
            e.top_errors.clone()
        } else {
            Vec::new()
        },
    };
    let mut ids: Vec<(String, String, bool)> = register
        .organizations
        .iter()
        .map(|o| (o.id.clone(), o.name.clone(), true))
        .collect();
    // The year's files by organization, in the order they were received.
    let mut by_org: std::collections::HashMap<&str, Vec<&crate::store::Entry>> =
        std::collections::HashMap::new();
    for e in ledger
        .entries
        .iter()
        .filter(|e| e.year == year && year.is_some())
    {
        if let Some(id) = &e.organization {
            by_org.entry(id.as_str()).or_default().push(e);
        }
    }
    // Each organization's file of unknown year received last, if any.
    let mut undated: std::collections::HashMap<&str, &crate::store::Entry> =
        std::collections::HashMap::new();
    for e in ledger.entries.iter().filter(|e| e.year.is_none()) {
        if let Some(id) = &e.organization {
            let last = undated.entry(id.as_str()).or_insert(e);
            if e.received >= last.received {
                *last = e;
            }
        }
    }
    let mut listed: std::collections::HashSet<String> =
        ids.iter().map(|(i, _, _)| i.clone()).collect();
    for e in &ledger.entries {
        if let (Some(id), true) = (&e.organization, e.year == year && e.year.is_some())
            && listed.insert(id.clone())
        {
            ids.push((
                id.clone(),
                e.organization_name.clone().unwrap_or_else(|| id.clone()),
                false,
            ));
        }
    }
    let mut rows = Vec::new();
    for (id, name, invited) in ids {
        let mut files: Vec<&crate::store::Entry> =
            by_org.get(id.as_str()).cloned().unwrap_or_default();
        files.sort_by(|a, b| a.received.cmp(&b.received));
        let current = files.iter().find(|e| e.outcome == Outcome::Accepted);
        // The submission in force was last received when its content last came,
        // a resend included.
        let last_received = |e: &crate::store::Entry| {
            files
                .iter()
                .filter(|f| f.sha256 == e.sha256)
                .map(|f| f.received.clone())
                .max()
                .unwrap_or_else(|| e.received.clone())
        };
        let undated = undated.get(id.as_str()).copied();
        let (state, shown) = match current {
            Some(e) if e.counts.warnings > 0 => (State::AcceptedWithWarnings, Some(*e)),
            Some(e) => (State::Accepted, Some(*e)),
            None => match files.iter().rev().find(|e| e.outcome == Outcome::Rejected) {
                Some(e) => (State::Rejected, Some(*e)),
                None => match undated {
                    Some(e) if year.is_some() => (State::YearUnknown, Some(e)),
                    _ => (State::Missing, None),
                },
            },
        };
        rows.push(Row {
            organization: id,
            name,
            invited,
            state,
            received: shown.map(last_received),
            actions: current.map(|e| e.actions),
            warnings: current.map(|e| e.counts.warnings),
            files: files
                .iter()
                .copied()
                .chain(undated.filter(|_| state == State::YearUnknown))
                .map(file_state)
                .collect(),
        });
    }
    rows.sort_by(|a, b| {
        a.state
            .cmp(&b.state)
            .then_with(|| a.organization.cmp(&b.organization))
    });
    let unattributed = ledger
        .entries
        .iter()
        .filter(|e| e.organization.is_none() || e.year.is_none())
        .map(file_state)
        .collect();
    Ok(Status {
        year,
        rows,
        unattributed,
    })
}
