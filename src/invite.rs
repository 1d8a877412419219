//! Invitations: one secret link per organization and year, through which the
//! organization sends its submission on `cstd serve`'s page. The store keeps
//! only a hash of each token (`invites.json`), written under the ingest's
//! lock; a link issued again replaces the one before, which stops working.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::durable::sha256;
use crate::register::Register;
use crate::store::Store;

/// The file of the store that holds the hashes.
const FILE: &str = "invites.json";

/// One link issued, as the store keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invite {
    pub organization: String,
    pub year: i64,
    /// SHA-256 of the token, in hex: the token itself is never kept.
    pub token_sha256: String,
    /// When it was issued (RFC 3339, UTC).
    pub issued: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Invites {
    invites: Vec<Invite>,
}

/// A link just issued, with its token, to be given to its organization once.
#[derive(Debug, Clone)]
pub struct Issued {
    pub organization: String,
    pub name: String,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Write(#[from] crate::durable::Error),
    #[error(
        "{} cannot be read ({detail}); move it aside and run `cstd invite` for each year to issue new links",
        path.display()
    )]
    Damaged { path: PathBuf, detail: String },
    #[error("{0} is not in the register; `cstd status` lists the organizations")]
    Unknown(String),
    #[error("the system's random source failed ({0}): no link can be made secret")]
    Random(String),
}

/// A fresh secret token: 128 bits from the system's random source, in hex.
fn token() -> Result<String, Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn load(root: &Path) -> Result<Invites, Error> {
    let path = root.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Damaged {
            path,
            detail: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Invites::default()),
        Err(e) => Err(Error::Damaged {
            path,
            detail: crate::inputs::reason(&e),
        }),
    }
}

/// Why the store's links cannot be read, when they cannot (for `cstd check`).
pub fn damaged(store_root: &Path) -> Option<(PathBuf, String)> {
    match load(store_root) {
        Err(Error::Damaged { path, detail }) => Some((path, detail)),
        _ => None,
    }
}

/// Moves damaged links aside, so that `cstd invite` can issue new ones;
/// where they went.
pub fn set_aside(store_root: &Path) -> Option<PathBuf> {
    let (path, _) = damaged(store_root)?;
    let aside = store_root.join("invites-damaged.json");
    std::fs::rename(&path, &aside).ok().map(|()| aside)
}

/// Issues a link for each organization of the register (or only those
/// named) for `year`, replacing the links issued before for them.
pub fn issue(
    store: &Store,
    register: &Register,
    year: i64,
    only: &[String],
    now: &str,
    waiting: impl FnMut(&str),
) -> Result<Vec<Issued>, Error> {
    let chosen: Vec<&crate::register::Organization> = if only.is_empty() {
        register.organizations.iter().collect()
    } else {
        only.iter()
            .map(|o| register.find(o).ok_or_else(|| Error::Unknown(o.clone())))
            .collect::<Result<_, _>>()?
    };
    let _lock = store.lock(true, waiting)?;
    let mut invites = load(&store.root)?;
    invites
        .invites
        .retain(|i| !(i.year == year && chosen.iter().any(|o| o.id == i.organization)));
    let mut issued = Vec::new();
    for o in chosen {
        let token = token()?;
        invites.invites.push(Invite {
            organization: o.id.clone(),
            year,
            token_sha256: sha256(token.as_bytes()),
            issued: now.to_string(),
        });
        issued.push(Issued {
            organization: o.id.clone(),
            name: o.name.clone(),
            token,
        });
    }
    let json = serde_json::to_vec_pretty(&invites).unwrap_or_default();
    crate::durable::write(&store.root.join(FILE), &json)?;
    Ok(issued)
}

/// The organization and year a token was issued for, if it is a link in force.
pub fn find(store_root: &Path, token: &str) -> Result<Option<Invite>, Error> {
    let invites = load(store_root)?;
    let hash = sha256(token.as_bytes());
    // Every hash is compared, each in constant time: how long this takes
    // says nothing about which link, if any, is close.
    let mut found = None;
    for i in invites.invites {
        if crate::text::same_bytes(i.token_sha256.as_bytes(), hash.as_bytes()) && found.is_none() {
            found = Some(i);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_issued_again_replaces_the_one_before_and_only_hashes_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let register = Register::builtin();
        let first = issue(&store, &register, 2026, &[], "2026-11-30T00:00:00Z", |_| {}).unwrap();
        assert_eq!(first.len(), register.organizations.len());
        let itu = first.iter().find(|i| i.organization == "ITU").unwrap();
        let kept = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(!kept.contains(&itu.token), "the token itself is never kept");
        let found = find(dir.path(), &itu.token).unwrap().unwrap();
        assert_eq!((found.organization.as_str(), found.year), ("ITU", 2026));

        let again = issue(
            &store,
            &register,
            2026,
            &["itu".into()],
            "2026-12-01T00:00:00Z",
            |_| {},
        )
        .unwrap();
        assert_eq!(again.len(), 1);
        assert!(
            find(dir.path(), &itu.token).unwrap().is_none(),
            "the old link is gone"
        );
        assert!(find(dir.path(), &again[0].token).unwrap().is_some());
        let unesco = first.iter().find(|i| i.organization == "UNESCO").unwrap();
        assert!(
            find(dir.path(), &unesco.token).unwrap().is_some(),
            "others stay"
        );
        assert!(find(dir.path(), "0123").unwrap().is_none());
        assert!(matches!(
            issue(&store, &register, 2026, &["NOPE".into()], "", |_| {}),
            Err(Error::Unknown(_))
        ));
    }
}
