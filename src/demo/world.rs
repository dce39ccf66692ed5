//! The embedded world, read from `world.toml` and checked once: its outlets, items, live
//! page versions and what the pipeline is expected to find.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

/// The world file the binary carries.
const WORLD: &str = include_str!("world.toml");

/// Why the embedded world cannot be used (a mistake in `world.toml`, caught by its test).
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// The file is not valid TOML of the world's shape.
    #[error("the demo world does not parse: {0}")]
    Parse(#[from] toml::de::Error),
    /// The file parses but contradicts itself.
    #[error("the demo world is inconsistent: {0}")]
    Inconsistent(String),
}

/// What an item is, as the world's author knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// The story's baseline article (also an item of its outlet's feed).
    Baseline,
    /// A report of the story's event.
    Followup,
    /// An event of the same kind elsewhere, or a follow-up of such an event.
    Lookalike,
    /// Unrelated news.
    Other,
}

/// A feed format an outlet publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.1.
    Json,
}

/// The story the demo tracks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryDef {
    /// Its id in the config.
    pub id: String,
    /// Its title in the config.
    pub title: String,
    /// The baseline page's path (`outlet/item`).
    pub baseline: String,
    /// The world hour each poll sees, ascending.
    pub steps: Vec<u32>,
}

/// What the pipeline must find after the last poll.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The baseline's figures, by kind name.
    pub baseline: BTreeMap<String, u64>,
    /// The latest figures, by kind name.
    pub latest: BTreeMap<String, u64>,
    /// Kinds whose latest figure another outlet disputes.
    #[serde(default)]
    pub disputed: Vec<String>,
}

/// One outlet: a feed and a site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outlet {
    /// Its path prefix on the demo server.
    pub id: String,
    /// Its name, in the config and on its pages.
    pub name: String,
    /// Its feed's format.
    pub format: FeedFormat,
    /// The byline its articles carry.
    pub byline: String,
    /// Its site's navigation, page furniture around every article.
    pub sections: Vec<String>,
}

/// One text of an item's page, shown from its hour on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// The world hour it appears.
    pub hours: u32,
    /// Paragraphs separated by blank lines.
    pub body: String,
}

/// An item as the file states it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    outlet: String,
    hours: u32,
    truth: Truth,
    title: String,
    summary: String,
    body: Option<String>,
    #[serde(default)]
    versions: Vec<Version>,
    copy_of: Option<String>,
    page: Option<bool>,
}

/// The file's shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorld {
    story: StoryDef,
    expect: Expect,
    outlet: Vec<Outlet>,
    item: Vec<RawItem>,
}

/// One feed item and its page.
#[derive(Debug, Clone)]
pub struct Item {
    /// Unique within the world; the last part of its page's path.
    pub id: String,
    /// Index into [`World::outlets`].
    pub outlet: usize,
    /// The world hour it is published.
    pub hours: u32,
    /// What it is.
    pub truth: Truth,
    /// Its feed title (and page headline).
    pub title: String,
    /// Its feed summary.
    pub summary: String,
    /// Its page's texts, oldest first; empty when its link leads nowhere.
    pub versions: Vec<Version>,
}

impl Item {
    /// The page text shown at world hour `now`, if the page exists then.
    pub fn version_at(&self, now: u32) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.hours <= now)
    }
}

/// The whole world.
#[derive(Debug, Clone)]
pub struct World {
    /// The story.
    pub story: StoryDef,
    /// What the pipeline must find.
    pub expect: Expect,
    /// The outlets, in the config's order.
    pub outlets: Vec<Outlet>,
    /// Every item.
    pub items: Vec<Item>,
}

impl World {
    /// The world the binary carries.
    pub fn embedded() -> Result<World, WorldError> {
        World::parse(WORLD)
    }

    /// Reads and checks a world file's text.
    pub fn parse(text: &str) -> Result<World, WorldError> {
        let raw: RawWorld = toml::from_str(text)?;
        let bad = |what: String| Err(WorldError::Inconsistent(what));
        let outlets: HashMap<&str, usize> = raw
            .outlet
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        if outlets.len() != raw.outlet.len() {
            return bad("two outlets share an id".into());
        }
        let bodies: HashMap<&str, (&Option<String>, &Vec<Version>)> = raw
            .item
            .iter()
            .map(|i| (i.id.as_str(), (&i.body, &i.versions)))
            .collect();
        if bodies.len() != raw.item.len() {
            return bad("two items share an id".into());
        }
        if raw.story.steps.is_empty() || raw.story.steps.windows(2).any(|w| w[0] >= w[1]) {
            return bad("story.steps must be ascending hours".into());
        }
        let mut items = Vec::with_capacity(raw.item.len());
        for item in &raw.item {
            let Some(&outlet) = outlets.get(item.outlet.as_str()) else {
                return bad(format!("item {} names no outlet {}", item.id, item.outlet));
            };
            let (body, versions) = match &item.copy_of {
                Some(source) => match bodies.get(source.as_str()) {
                    Some(found) => *found,
                    None => return bad(format!("item {} copies no item {source}", item.id)),
                },
                None => (&item.body, &item.versions),
            };
            let versions = match (item.page, body) {
                (Some(false), _) => Vec::new(),
                (_, Some(body)) => vec![Version {
                    hours: item.hours,
                    body: body.clone(),
                }],
                (_, None) if !versions.is_empty() => versions.clone(),
                _ => return bad(format!("item {} has no body and no page = false", item.id)),
            };
            items.push(Item {
                id: item.id.clone(),
                outlet,
                hours: item.hours,
                truth: item.truth,
                title: item.title.clone(),
                summary: item.summary.clone(),
                versions,
            });
        }
        let world = World {
            story: raw.story,
            expect: raw.expect,
            outlets: raw.outlet,
            items,
        };
        match world.baseline() {
            Some(b) if b.truth == Truth::Baseline && !b.versions.is_empty() => Ok(world),
            _ => bad(format!(
                "story.baseline {} is no item with truth = \"baseline\" and a page",
                world.story.baseline
            )),
        }
    }

    /// The baseline item.
    pub fn baseline(&self) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| self.path(i) == self.story.baseline)
    }

    /// An item's page path without the leading slash: `outlet/id`.
    pub fn path(&self, item: &Item) -> String {
        format!("{}/{}", self.outlets[item.outlet].id, item.id)
    }

    /// The item at `outlet/id`.
    pub fn item_at(&self, path: &str) -> Option<&Item> {
        let (outlet, id) = path.split_once('/')?;
        self.items
            .iter()
            .find(|i| i.id == id && self.outlets[i.outlet].id == outlet)
    }

    /// The last world hour any poll sees.
    pub fn last_hour(&self) -> u32 {
        self.story.steps.last().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_world_is_consistent() {
        let world = World::embedded().unwrap();
        assert_eq!(world.outlets.len(), 6);
        assert!(world.items.len() >= 35, "{}", world.items.len());
        let count = |t: Truth| world.items.iter().filter(|i| i.truth == t).count();
        assert_eq!(count(Truth::Baseline), 1);
        assert!(count(Truth::Followup) >= 12);
        assert!(count(Truth::Lookalike) >= 4);
        // Every item is published by the last poll, so the world's truth is all reachable.
        assert!(world.items.iter().all(|i| i.hours <= world.last_hour()));
        let live = world.items.iter().filter(|i| i.versions.len() > 1).count();
        assert!(live >= 1, "a live page whose toll changes");
    }

    #[test]
    fn mistakes_in_a_world_are_named() {
        let base = r#"
            [story]
            id = "s"
            title = "S"
            baseline = "a/one"
            steps = [1]
            [expect]
            baseline = {}
            latest = {}
            [[outlet]]
            id = "a"
            name = "A"
            format = "rss"
            byline = "A"
            sections = []
        "#;
        let with = |items: &str| World::parse(&format!("{base}{items}"));
        let ok = with(
            "[[item]]\nid = \"one\"\noutlet = \"a\"\nhours = 0\ntruth = \"baseline\"\ntitle = \"t\"\nsummary = \"s\"\nbody = \"b\"\n",
        );
        assert!(ok.is_ok(), "{ok:?}");
        let err = with(
            "[[item]]\nid = \"one\"\noutlet = \"b\"\nhours = 0\ntruth = \"baseline\"\ntitle = \"t\"\nsummary = \"s\"\nbody = \"b\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("names no outlet b"), "{err}");
        let err = with(
            "[[item]]\nid = \"one\"\noutlet = \"a\"\nhours = 0\ntruth = \"other\"\ntitle = \"t\"\nsummary = \"s\"\nbody = \"b\"\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("story.baseline a/one"), "{err}");
    }
}
