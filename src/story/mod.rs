//! Stories: entity weights, the follow-up decision and its explanation, near-duplicates.
