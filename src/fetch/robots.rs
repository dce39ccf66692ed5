//! robots.txt for article fetches: fetched once per origin and cached. Feeds are exempt —
//! a feed is published to be polled — but article pages are crawled on the site's terms.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use texting_robots::Robot;
use url::Url;

/// How long a fetched robots.txt is trusted before it is fetched again.
pub const TTL: Duration = Duration::from_secs(24 * 3600);

/// What an origin's robots.txt allows.
enum Rules {
    /// Parsed rules for our user agent.
    Parsed(Box<Robot>),
    /// No usable robots.txt (404, error, unparsable): everything is allowed.
    AllowAll,
    /// 401/403 on robots.txt: the site does not want crawlers.
    DenyAll,
}

/// Per-origin robots.txt cache.
#[derive(Default)]
pub struct RobotsCache {
    origins: Mutex<HashMap<String, (Instant, std::sync::Arc<Rules>)>>,
}

impl RobotsCache {
    fn cached(&self, origin: &str) -> Option<std::sync::Arc<Rules>> {
        let map = self.origins.lock().unwrap_or_else(|e| e.into_inner());
        map.get(origin)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, rules)| rules.clone())
    }

    fn store(&self, origin: String, rules: Rules) -> std::sync::Arc<Rules> {
        let rules = std::sync::Arc::new(rules);
        let mut map = self.origins.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(origin, (Instant::now(), rules.clone()));
        rules
    }
}

impl super::Fetcher {
    /// Whether the site's robots.txt lets followup fetch `url`.
    pub async fn allowed_by_robots(&self, url: &Url) -> bool {
        let origin = url.origin().ascii_serialization();
        let rules = match self.robots.cached(&origin) {
            Some(rules) => rules,
            None => {
                let rules = self.fetch_robots(url).await;
                self.robots.store(origin, rules)
            }
        };
        match rules.as_ref() {
            Rules::Parsed(robot) => robot.allowed(url.as_str()),
            Rules::AllowAll => true,
            Rules::DenyAll => false,
        }
    }

    async fn fetch_robots(&self, url: &Url) -> Rules {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return Rules::AllowAll;
        };
        match self.get(&robots_url, &super::Validators::default()).await {
            Ok(fetched) => match fetched.outcome {
                super::FetchOutcome::Fresh(response) => {
                    match Robot::new(&self.agent_token, &response.body) {
                        Ok(robot) => Rules::Parsed(Box::new(robot)),
                        Err(_) => Rules::AllowAll,
                    }
                }
                _ => Rules::AllowAll,
            },
            Err(super::FetchError::Status(401 | 403)) => Rules::DenyAll,
            Err(_) => Rules::AllowAll,
        }
    }
}
