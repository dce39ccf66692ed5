//! The fitted decision: logistic weights over the evidence features, one set for stage 1
//! (which articles to read, from title and summary) and one for stage 2 (the follow-up
//! decision, with the article). Fitted by `tools/fit.py` on the development scenarios and
//! shipped in the binary as `data/model.json`; nothing here is tuned by hand.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::evidence::{Evidence, FEATURES};

/// The fitted weights, as `tools/fit.py` writes them.
const FITTED: &str = include_str!("data/model.json");

/// One stage's weights, bias and threshold on the probability.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Stage {
    /// One weight per feature, in the order of [`FEATURES`].
    weights: Vec<f64>,
    bias: f64,
    /// The probability at or above which the stage says yes.
    pub threshold: f64,
}

/// Both stages.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Model {
    features: Vec<String>,
    /// Which articles to read.
    pub stage1: Stage,
    /// Which items are follow-ups.
    pub stage2: Stage,
    /// The stage-2 probability at and above which a match is trusted enough for its
    /// figures to become a story's latest (the fit states it from the matches' precision).
    pub confident: f64,
}

/// One feature's part in a decision: its value and what it added to the log-odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The feature.
    pub feature: String,
    /// Its measured value.
    pub value: f64,
    /// Weight × value.
    pub adds: f64,
}

/// Why the shipped weights cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file does not parse.
    #[error("the decision weights (src/story/data/model.json) do not parse")]
    Parse(#[source] serde_json::Error),
    /// The file names a feature this build does not measure, or its lists disagree.
    #[error(
        "the decision weights name features this build does not measure; run tools/fit.py again"
    )]
    Features,
}

impl Model {
    /// Reads weights as `tools/fit.py` writes them. Weights go by feature name: a feature
    /// the file does not know (added since the last fit) weighs nothing until the next fit.
    pub fn parse(text: &str) -> Result<Model, ModelError> {
        let mut model: Model = serde_json::from_str(text).map_err(ModelError::Parse)?;
        let mut place = Vec::with_capacity(model.features.len());
        for name in &model.features {
            place.push(
                FEATURES
                    .iter()
                    .position(|f| f == name)
                    .ok_or(ModelError::Features)?,
            );
        }
        for stage in [&mut model.stage1, &mut model.stage2] {
            if stage.weights.len() != place.len() {
                return Err(ModelError::Features);
            }
            let mut weights = vec![0.0; FEATURES.len()];
            for (&at, &w) in place.iter().zip(&stage.weights) {
                weights[at] = w;
            }
            stage.weights = weights;
        }
        model.features = FEATURES.iter().map(|f| f.to_string()).collect();
        Ok(model)
    }

    /// The weights shipped in this build (a unit test proves they parse and fit).
    pub fn shipped() -> &'static Model {
        static SHIPPED: LazyLock<Model> = LazyLock::new(|| match Model::parse(FITTED) {
            Ok(model) => model,
            Err(err) => panic!("{err}"),
        });
        &SHIPPED
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Stage {
    /// The log-odds the evidence gives.
    fn logit(&self, evidence: &Evidence) -> f64 {
        self.bias
            + self
                .weights
                .iter()
                .zip(evidence.values())
                .map(|(w, x)| w * x)
                .sum::<f64>()
    }

    /// The probability that the item is a follow-up, by this stage's weights.
    pub fn probability(&self, evidence: &Evidence) -> f64 {
        sigmoid(self.logit(evidence))
    }

    /// Each feature's part, largest first.
    pub fn contributions(&self, evidence: &Evidence) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = FEATURES
            .iter()
            .zip(self.weights.iter().zip(evidence.values()))
            .map(|(f, (w, x))| Contribution {
                feature: (*f).to_string(),
                value: x,
                adds: w * x,
            })
            .filter(|c| c.adds != 0.0)
            .collect();
        out.sort_by(|a, b| b.adds.abs().total_cmp(&a.adds.abs()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_parse_and_fit_this_build() {
        let model = Model::parse(FITTED).expect("shipped weights");
        assert!(model.stage1.threshold > 0.0 && model.stage1.threshold < 1.0);
        assert!(model.stage2.threshold > 0.0 && model.stage2.threshold < 1.0);
        // Stage 1 only picks what to read: it must say yes more readily than stage 2.
        assert!(model.stage1.threshold <= model.stage2.threshold);
        // Trusted matches are a subset of the matches.
        assert!(model.confident >= model.stage2.threshold && model.confident <= 1.0);
    }

    #[test]
    fn stronger_evidence_gives_a_higher_probability() {
        let model = Model::shipped();
        let strong = Evidence {
            names: 0.7,
            lead_names: 0.7,
            topical: 0.4,
            lead_topical: 0.4,
            entities: 1.0,
            entities_early: 1.0,
            anchors: 1.0,
            known_title: 1.0,
            legacy: 1.0,
            article: 1.0,
            ..Evidence::default()
        };
        let other = Evidence {
            novel: 0.9,
            novel_title: 1.0,
            novel_mentions: 0.8,
            novel_count: 1.0,
            ..strong
        };
        let unnamed = Evidence {
            names: 0.0,
            lead_names: 0.0,
            entities: 0.0,
            entities_early: 0.0,
            ..strong
        };
        let p = |e: &Evidence| model.stage2.probability(e);
        assert!(p(&strong) > model.stage2.threshold, "{}", p(&strong));
        assert!(p(&other) < p(&strong));
        assert!(p(&unnamed) < p(&strong));
        let parts = model.stage2.contributions(&strong);
        let sum: f64 = parts.iter().map(|c| c.adds).sum();
        assert!((sum + model.stage2.bias - model.stage2.logit(&strong)).abs() < 1e-9);
    }

    #[test]
    fn weights_go_by_feature_name() {
        let text = r#"{"features": ["names", "topical"],
            "stage1": {"weights": [1.0, 2.0], "bias": 0.0, "threshold": 0.2},
            "stage2": {"weights": [3.0, 4.0], "bias": -1.0, "threshold": 0.5},
            "confident": 0.8}"#;
        let model = Model::parse(text).expect("a subset of the features");
        let e = Evidence {
            topical: 1.0,
            names: 0.5,
            novel: 1.0,
            ..Evidence::default()
        };
        assert!((model.stage2.logit(&e) - (-1.0 + 4.0 + 1.5)).abs() < 1e-12);
        let unknown = text.replace("\"topical\"", "\"something_else\"");
        assert!(matches!(Model::parse(&unknown), Err(ModelError::Features)));
        let short = text.replace("[3.0, 4.0]", "[3.0]");
        assert!(matches!(Model::parse(&short), Err(ModelError::Features)));
        assert!(matches!(Model::parse("{"), Err(ModelError::Parse(_))));
    }
}
