//! What makes the PDF accessible and navigable, added to printpdf's document
//! with lopdf: the structure tree (headings, paragraphs, lists, tables,
//! figures with their alternative text, notes, links), `/MarkInfo`, `/Lang`,
//! the title shown in the window, nested bookmarks in document order, link
//! annotations for the contents, and a fixed `/ID` so the same document
//! gives the same bytes. printpdf's false PDF/X marker is removed.

use lopdf::{Dictionary, Object, ObjectId, Stream, dictionary};

/// A structure element.
#[derive(Debug, Clone)]
pub struct Elem {
    pub tag: &'static str,
    pub parent: usize,
    pub kids: Vec<Kid>,
    pub alt: Option<String>,
    pub lang: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub enum Kid {
    Elem(usize),
    /// Marked content `mcid` on page `page` (0-based).
    Mcid {
        page: usize,
        mcid: u32,
    },
    /// The link annotation `index` of [`Tree::links`].
    Link(usize),
}

/// A link annotation: where it is, where it goes, and its element.
#[derive(Debug, Clone)]
pub struct Link {
    pub page: usize,
    /// Left, bottom, right, top, in PDF points.
    pub rect: [f32; 4],
    pub target: Target,
    pub elem: usize,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Target {
    /// A page (0-based) and a height from its bottom.
    Page(usize, f32),
    Uri(String),
}

/// A bookmark: level, title, page (0-based), height from the page's bottom.
#[derive(Debug, Clone)]
pub struct Mark {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// The structure tree being built; element 0 is the document.
#[derive(Debug, Clone)]
pub struct Tree {
    pub elems: Vec<Elem>,
    pub links: Vec<Link>,
}

impl Default for Tree {
    fn default() -> Tree {
        Tree {
            elems: vec![Elem {
                tag: "Document",
                parent: 0,
                kids: Vec::new(),
                alt: None,
                lang: None,
                title: None,
            }],
            links: Vec::new(),
        }
    }
}

impl Tree {
    /// A new element under `parent`.
    pub fn add(&mut self, tag: &'static str, parent: usize) -> usize {
        let i = self.elems.len();
        self.elems.push(Elem {
            tag,
            parent,
            kids: Vec::new(),
            alt: None,
            lang: None,
            title: None,
        });
        self.elems[parent].kids.push(Kid::Elem(i));
        i
    }
}

/// Document facts the catalog and metadata take.
pub struct Facts<'a> {
    pub title: &'a str,
    pub lang: &'a str,
}

fn text(s: &str) -> Object {
    lopdf::text_string(s)
}

/// Adds the structure tree, links, bookmarks and catalog entries, and returns
/// the PDF's bytes.
pub fn finish(
    mut lo: lopdf::Document,
    tree: &Tree,
    marks: &[Mark],
    facts: &Facts,
) -> Result<Vec<u8>, String> {
    lo.version = "1.7".into();
    if let Ok(info) = lo.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(d) = lo.get_dictionary_mut(info)
    {
        // printpdf marks every file as PDF/X; this one makes no such claim.
        d.remove(b"GTS_PDFXVersion");
        d.remove(b"Trapped");
    }
    let pages: Vec<ObjectId> = lo.get_pages().into_values().collect();
    let page_ref = |p: usize| -> Object {
        pages
            .get(p)
            .or(pages.last())
            .map(|id| Object::Reference(*id))
            .unwrap_or(Object::Null)
    };

    // Element objects first, so that parents and kids can refer to each other.
    let ids: Vec<ObjectId> = tree.elems.iter().map(|_| lo.new_object_id()).collect();
    let annot_ids: Vec<ObjectId> = tree.links.iter().map(|_| lo.new_object_id()).collect();
    let root_id = lo.new_object_id();
    // ParentTree: page i -> its marked contents' elements by MCID; then each
    // link annotation's element.
    let mut by_page: Vec<Vec<(u32, usize)>> = vec![Vec::new(); pages.len()];
    for (e, elem) in tree.elems.iter().enumerate() {
        for k in &elem.kids {
            if let Kid::Mcid { page, mcid } = k
                && let Some(v) = by_page.get_mut(*page)
            {
                v.push((*mcid, e));
            }
        }
    }
    for (e, elem) in tree.elems.iter().enumerate() {
        let mut kids = Vec::new();
        for k in &elem.kids {
            kids.push(match k {
                Kid::Elem(i) => Object::Reference(ids[*i]),
                Kid::Mcid { page, mcid } => Object::Dictionary(dictionary! {
                    "Type" => "MCR",
                    "Pg" => page_ref(*page),
                    "MCID" => *mcid as i64,
                }),
                Kid::Link(l) => Object::Dictionary(dictionary! {
                    "Type" => "OBJR",
                    "Pg" => page_ref(tree.links[*l].page),
                    "Obj" => Object::Reference(annot_ids[*l]),
                }),
            });
        }
        let mut d = dictionary! {
            "Type" => "StructElem",
            "S" => elem.tag,
            "P" => if e == 0 { Object::Reference(root_id) } else { Object::Reference(ids[elem.parent]) },
            "K" => kids,
        };
        if let Some(a) = &elem.alt {
            d.set("Alt", text(a));
        }
        if let Some(l) = &elem.lang {
            d.set("Lang", Object::string_literal(l.as_str()));
        }
        if let Some(t) = &elem.title {
            d.set("T", text(t));
        }
        lo.objects.insert(ids[e], Object::Dictionary(d));
    }
    let mut nums = Vec::new();
    for (p, v) in by_page.iter_mut().enumerate() {
        v.sort();
        let max = v.last().map(|(m, _)| *m as usize + 1).unwrap_or(0);
        let mut arr = vec![Object::Null; max];
        for (mcid, e) in v.iter() {
            arr[*mcid as usize] = Object::Reference(ids[*e]);
        }
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(arr));
    }
    // Link annotations, each with its structure parent key.
    let mut next_key = pages.len() as i64;
    for (i, link) in tree.links.iter().enumerate() {
        let key = next_key;
        next_key += 1;
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(ids[link.elem]));
        let action = match &link.target {
            Target::Page(p, y) => dictionary! {
                "S" => "GoTo",
                "D" => vec![page_ref(*p), "XYZ".into(), Object::Null, Object::Real(*y), Object::Null],
            },
            Target::Uri(u) => dictionary! {
                "S" => "URI",
                "URI" => Object::string_literal(u.as_str()),
            },
        };
        let annot = dictionary! {
            "Type" => "Annot",
            "Subtype" => "Link",
            "Rect" => link.rect.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
            "Border" => vec![Object::Integer(0), Object::Integer(0), Object::Integer(0)],
            "F" => 4,
            "StructParent" => key,
            "Contents" => text(&link.text),
            "A" => action,
        };
        lo.objects.insert(annot_ids[i], Object::Dictionary(annot));
        if let Some(pid) = pages.get(link.page)
            && let Ok(page) = lo.get_dictionary_mut(*pid)
        {
            match page.get_mut(b"Annots") {
                Ok(Object::Array(a)) => a.push(Object::Reference(annot_ids[i])),
                _ => page.set("Annots", vec![Object::Reference(annot_ids[i])]),
            }
        }
    }
    for (i, pid) in pages.iter().enumerate() {
        if let Ok(page) = lo.get_dictionary_mut(*pid) {
            page.set("StructParents", i as i64);
            page.set("Tabs", "S");
        }
    }
    let parent_tree = lo.add_object(dictionary! { "Nums" => nums });
    lo.objects.insert(
        root_id,
        Object::Dictionary(dictionary! {
            "Type" => "StructTreeRoot",
            "K" => vec![Object::Reference(ids[0])],
            "ParentTree" => Object::Reference(parent_tree),
            "ParentTreeNextKey" => next_key,
        }),
    );

    let outlines = outline(&mut lo, marks, &pages);
    let metadata = lo.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp(facts).into_bytes(),
    ));
    let catalog = lo.catalog_mut().map_err(|e| e.to_string())?;
    catalog.set("StructTreeRoot", Object::Reference(root_id));
    catalog.set("MarkInfo", dictionary! { "Marked" => true });
    catalog.set("Lang", Object::string_literal(facts.lang));
    catalog.set(
        "ViewerPreferences",
        dictionary! { "DisplayDocTitle" => true },
    );
    catalog.set("Metadata", Object::Reference(metadata));
    if let Some(o) = outlines {
        catalog.set("Outlines", Object::Reference(o));
        catalog.set("PageMode", "UseOutlines");
    }
    // The same document, the same ID: a hash of its title and structure.
    let id = crate::durable::sha256(
        format!("{}|{}|{}", facts.title, pages.len(), tree.elems.len()).as_bytes(),
    );
    let id = Object::String(
        id.as_bytes()[..32].to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    lo.trailer.set("ID", vec![id.clone(), id]);
    lo.compress();
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Nested bookmarks from the headings, in document order.
fn outline(lo: &mut lopdf::Document, marks: &[Mark], pages: &[ObjectId]) -> Option<ObjectId> {
    if marks.is_empty() {
        return None;
    }
    let root = lo.new_object_id();
    let ids: Vec<ObjectId> = marks.iter().map(|_| lo.new_object_id()).collect();
    // Each mark's parent: the nearest earlier mark of a lower level.
    let parent: Vec<Option<usize>> = (0..marks.len())
        .map(|i| (0..i).rev().find(|&j| marks[j].level < marks[i].level))
        .collect();
    let children =
        |p: Option<usize>| -> Vec<usize> { (0..marks.len()).filter(|&i| parent[i] == p).collect() };
    let mut dicts: Vec<Dictionary> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        let siblings = children(parent[i]);
        let at = siblings.iter().position(|s| *s == i).unwrap_or(0);
        let kids = children(Some(i));
        let page = pages.get(m.page).or(pages.last()).copied();
        let mut d = dictionary! {
            "Title" => text(&m.title),
            "Parent" => Object::Reference(parent[i].map(|p| ids[p]).unwrap_or(root)),
        };
        if let Some(pid) = page {
            d.set(
                "Dest",
                vec![
                    Object::Reference(pid),
                    "XYZ".into(),
                    Object::Null,
                    Object::Real(m.y),
                    Object::Null,
                ],
            );
        }
        if at > 0 {
            d.set("Prev", Object::Reference(ids[siblings[at - 1]]));
        }
        if let Some(n) = siblings.get(at + 1) {
            d.set("Next", Object::Reference(ids[*n]));
        }
        if let (Some(f), Some(l)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[*f]));
            d.set("Last", Object::Reference(ids[*l]));
            // Chapters open, their sections shown.
            d.set("Count", kids.len() as i64);
        }
        dicts.push(d);
    }
    for (i, d) in dicts.into_iter().enumerate() {
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    lo.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "Outlines",
            "First" => Object::Reference(ids[top[0]]),
            "Last" => Object::Reference(ids[*top.last().unwrap_or(&top[0])]),
            "Count" => top.len() as i64,
        }),
    );
    Some(root)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// XMP metadata: the title and language, and no conformance claim.
fn xmp(facts: &Facts) -> String {
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">{}</rdf:li></rdf:Alt></dc:title><dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language><pdf:Producer>cstd</pdf:Producer></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#,
        xml_escape(facts.title),
        xml_escape(facts.lang)
    )
}
