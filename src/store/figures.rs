//! The `observations` table: casualty figures each article version stated, with the
//! version's declared time, so history, latest and diffs are computed from stored facts.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Context, Result, Store, parse_ts, ts, ts_opt};
use crate::model::{FigureKind, FigureRow, Observation, Qualifier};

/// A page version's observations with where they came from, owned, to be stored later
/// (see [`Store::save_matches`]).
#[derive(Debug, Clone)]
pub struct FigureWrite {
    /// The article URL.
    pub url: String,
    /// Its headline.
    pub title: Option<String>,
    /// Identifies the page version.
    pub version: String,
    /// The version's declared time.
    pub declared_at: Option<DateTime<Utc>>,
    /// What the version states.
    pub observations: Vec<Observation>,
}

impl FigureWrite {
    /// Where these figures came from, for `story`.
    pub fn source<'a>(&'a self, story: &'a str, baseline: bool) -> Source<'a> {
        Source {
            story,
            url: &self.url,
            title: self.title.as_deref(),
            version: &self.version,
            declared_at: self.declared_at,
            baseline,
        }
    }
}

/// Where a set of observations came from.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// The story they belong to.
    pub story: &'a str,
    /// The article (or baseline) URL.
    pub url: &'a str,
    /// Its headline.
    pub title: Option<&'a str>,
    /// Identifies the page version.
    pub version: &'a str,
    /// The version's declared time.
    pub declared_at: Option<DateTime<Utc>>,
    /// Whether this is the story's baseline.
    pub baseline: bool,
}

impl Store {
    /// Stores what one page version states; earlier versions of the same page stop being
    /// current. Returns how many observations were new.
    pub fn save_observations(
        &mut self,
        source: &Source,
        observations: &[Observation],
        at: DateTime<Utc>,
    ) -> Result<usize> {
        let tx = self
            .conn
            .transaction()
            .what(|| "begin save observations".into())?;
        let added = write_observations(&tx, source, observations, at)?;
        tx.commit().what(|| "commit observations".into())?;
        Ok(added)
    }

    /// Stores the figures of one page version for `story` (see [`Self::save_observations`]).
    pub fn save_figures(
        &mut self,
        story: &str,
        write: &FigureWrite,
        baseline: bool,
        at: DateTime<Utc>,
    ) -> Result<usize> {
        self.save_observations(&write.source(story, baseline), &write.observations, at)
    }

    /// Forgets a story's baseline observations (before storing new ones).
    pub fn clear_baseline_observations(&mut self, story: &str) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM observations WHERE story_id = ?1 AND baseline = 1",
                [story],
            )
            .map(drop)
            .what(|| format!("clear baseline figures of {story}"))
    }

    /// Every observation of a story, oldest declared first, for history and latest.
    pub fn observations(&self, story: &str) -> Result<Vec<FigureRow>> {
        const SQL: &str = "SELECT kind, value, qualifier, url, title, declared_at, observed_at,
                sentence, term, baseline, current
            FROM observations WHERE story_id = ?1
            ORDER BY COALESCE(declared_at, observed_at), observed_at, id";
        let mut stmt = self.conn.prepare_cached(SQL).what(|| SQL.into())?;
        let rows = stmt
            .query_map([story], |r| {
                let kind: String = r.get(0)?;
                let qualifier: String = r.get(2)?;
                let value: i64 = r.get(1)?;
                Ok(FigureRow {
                    kind: FigureKind::parse(&kind).unwrap_or(FigureKind::Killed),
                    value: u64::try_from(value).unwrap_or(0),
                    qualifier: Qualifier::parse(&qualifier).unwrap_or_default(),
                    url: r.get(3)?,
                    title: r.get(4)?,
                    as_of: parse_ts(r.get(5)?),
                    observed_at: parse_ts(r.get(6)?).unwrap_or_default(),
                    sentence: r.get(7)?,
                    term: r.get(8)?,
                    baseline: r.get(9)?,
                    current: r.get(10)?,
                })
            })
            .what(|| format!("list figures of {story}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .what(|| format!("list figures of {story}"))
    }
}

/// [`Store::save_observations`] inside the caller's transaction.
pub(super) fn write_observations(
    tx: &rusqlite::Connection,
    source: &Source,
    observations: &[Observation],
    at: DateTime<Utc>,
) -> Result<usize> {
    const RETIRE: &str = "UPDATE observations SET current = 0
        WHERE story_id = ?1 AND url = ?2 AND version != ?3";
    const INSERT: &str = "INSERT INTO observations
        (story_id, url, title, version, kind, value, qualifier, term, sentence,
         declared_at, observed_at, baseline, current)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1)
        ON CONFLICT (story_id, url, version, kind, value) DO UPDATE SET current = 1";
    tx.execute(RETIRE, params![source.story, source.url, source.version])
        .what(|| format!("retire old figures of {}", source.url))?;
    let mut insert = tx.prepare_cached(INSERT).what(|| INSERT.into())?;
    let mut added = 0;
    for o in observations {
        added += insert
            .execute(params![
                source.story,
                source.url,
                source.title,
                source.version,
                o.kind.as_str(),
                i64::try_from(o.value).unwrap_or(i64::MAX),
                o.qualifier.as_str(),
                o.term,
                o.sentence,
                ts_opt(source.declared_at),
                ts(at),
                source.baseline
            ])
            .what(|| format!("save figure of {}", source.url))?;
    }
    Ok(added)
}
