//! End-to-end checks of the figure reader: sentences in, observations and the article's
//! chosen figures out. Unit tests of each part sit beside its code.

use super::*;
use FigureKind::*;
use Qualifier::*;

/// Every observation as (kind, value, qualifier).
fn obs(text: &str) -> Vec<(FigureKind, u64, Qualifier)> {
    observations(text)
        .into_iter()
        .map(|o| (o.kind, o.value, o.qualifier))
        .collect()
}

fn one(text: &str, kind: FigureKind, value: u64, q: Qualifier) {
    assert_eq!(obs(text), vec![(kind, value, q)], "text: {text}");
}

fn none(text: &str) {
    assert_eq!(obs(text), vec![], "text: {text}");
}

fn article(title: &str, text: &str) -> Vec<(FigureKind, u64, Qualifier)> {
    article_figures(title, text)
        .into_iter()
        .map(|o| (o.kind, o.value, o.qualifier))
        .collect()
}

fn term(text: &str) -> String {
    observations(text)
        .first()
        .map(|o| o.term.clone())
        .unwrap_or_default()
}

// Counts said without a number, or around one.

#[test]
fn one_victim_said_by_the_verb_alone() {
    one(
        "A man was shot and killed outside a bar on Friday night.",
        Killed,
        1,
        Exact,
    );
    one(
        "A 19-year-old woman has died in hospital.",
        Killed,
        1,
        Exact,
    );
    one(
        "A pedestrian was fatally struck by a bus.",
        Killed,
        1,
        Exact,
    );
    one(
        "A boy was seriously injured in the blast.",
        Injured,
        1,
        Exact,
    );
    // The killer is no victim, and a counted figure in the sentence says it better.
    none("The gunman was killed by police.");
    none("A man who opened fire later killed himself.");
    assert_eq!(
        obs("A woman was killed and three people were injured."),
        vec![(Injured, 3, Exact), (Killed, 1, Exact)]
    );
}

#[test]
fn a_denied_verb_counts_nobody() {
    none("Two other children were not injured.");
    none("The four passengers weren't hurt, the airline said.");
    one("No one was hurt in the fire.", Injured, 0, Exact);
    one("Nobody was seriously injured.", Injured, 0, Exact);
    one("No deaths were reported after the storm.", Killed, 0, Exact);
    // "No one else" leaves the total unsaid.
    none("No one else was injured.");
    // A counted figure of the same kind outranks the none of another clause.
    assert_eq!(
        article_figures("", "Six people were injured. No one was killed.")
            .into_iter()
            .map(|o| (o.kind, o.value))
            .collect::<Vec<_>>(),
        vec![(Killed, 0), (Injured, 6)]
    );
}

#[test]
fn a_single_culprit_taken_into_custody_is_one_arrest() {
    one(
        "The suspected gunman, a 29-year-old local man, was taken into custody an hour later.",
        Arrested,
        1,
        Exact,
    );
    one(
        "A teenager was arrested on suspicion of murder.",
        Arrested,
        1,
        Exact,
    );
    one(
        "The driver, Ann Lowe, 52, is being held without bail.",
        Arrested,
        1,
        Exact,
    );
}

#[test]
fn a_single_arrest_needs_a_culprit_subject_and_no_increment() {
    none("Another man was detained on Tuesday.");
    none("The suspect was not arrested until the weekend.");
    none("The mayor was arrested for drink-driving last year in a separate case.");
    none("He was arrested at the scene.");
}

#[test]
fn a_stated_arrest_count_beats_a_singular_subject() {
    assert_eq!(
        article(
            "",
            "The suspect was arrested at the scene on Sunday.\n\nFour people are now in custody, prosecutors said."
        ),
        vec![(Arrested, 4, Exact)]
    );
    assert_eq!(
        article("", "The gunman was arrested at the scene, police said."),
        vec![(Arrested, 1, Exact)]
    );
}

#[test]
fn an_ordinal_person_with_a_modifier_or_after_the_verb() {
    one(
        "A third building contractor was arrested on Sunday.",
        Arrested,
        3,
        Exact,
    );
    one(
        "Police arrested a fourth alleged accomplice near the border.",
        Arrested,
        4,
        Exact,
    );
    none("A second blast killed nobody.");
    none("A fifth man, the owner, is being sought.");
}

#[test]
fn the_figure_before_the_number_of() {
    one(
        "Police detained two more men, bringing to five the number of people held over the fire.",
        Arrested,
        5,
        Exact,
    );
    one(
        "A woman died in hospital on Monday, raising to 31 the death toll from the landslide.",
        Killed,
        31,
        Exact,
    );
}

#[test]
fn claimed_the_lives_of() {
    one(
        "The fire claimed the lives of seven people.",
        Killed,
        7,
        Exact,
    );
    one(
        "The crash took the lives of at least 12 passengers.",
        Killed,
        12,
        AtLeast,
    );
}

// Numbers before the noun.

#[test]
fn passive_killed() {
    one(
        "Officials said 52 people were killed when the dam burst.",
        Killed,
        52,
        Exact,
    );
}

#[test]
fn at_least_dead() {
    one(
        "At least 1,204 people are dead after the earthquake.",
        Killed,
        1204,
        AtLeast,
    );
}

#[test]
fn died_with_words() {
    one(
        "Twenty-one people died in the blaze at the tower block.",
        Killed,
        21,
        Exact,
    );
}

#[test]
fn compound_words() {
    one(
        "A hundred and forty-three people were killed in the landslide.",
        Killed,
        143,
        Exact,
    );
    one(
        "Rescuers said one hundred and sixty-two people had died.",
        Killed,
        162,
        Exact,
    );
}

#[test]
fn wounded_more_than() {
    one(
        "More than 80 people were wounded in the shooting.",
        Injured,
        80,
        MoreThan,
    );
}

#[test]
fn hospitalised_is_injured_and_keeps_term() {
    one(
        "Eleven passengers were hospitalised after the crash.",
        Injured,
        11,
        Exact,
    );
    assert_eq!(
        term("Eleven passengers were hospitalised after the crash."),
        "hospitalised"
    );
    assert_eq!(
        term("Eleven passengers were hospitalized after the crash."),
        "hospitalized"
    );
}

#[test]
fn hurt_is_injured() {
    one(
        "About 30 people were hurt when the stand gave way.",
        Injured,
        30,
        About,
    );
}

#[test]
fn missing_and_unaccounted() {
    one(
        "Nine fishermen remain missing off the coast.",
        Missing,
        9,
        Exact,
    );
    one(
        "Some 70 residents are still unaccounted for.",
        Missing,
        70,
        About,
    );
}

#[test]
fn feared_dead() {
    one(
        "Up to 300 villagers are feared dead after the mudslide.",
        Killed,
        300,
        UpTo,
    );
}

#[test]
fn bodies_recovered() {
    one(
        "Divers have recovered 14 bodies from the river.",
        Killed,
        14,
        Exact,
    );
    one(
        "Seventeen bodies were pulled from the rubble overnight.",
        Killed,
        17,
        Exact,
    );
}

#[test]
fn lost_their_lives() {
    one(
        "Nearly 40 miners lost their lives in the explosion.",
        Killed,
        40,
        Nearly,
    );
}

#[test]
fn claimed_lives() {
    one(
        "The storm has claimed 23 lives across the region.",
        Killed,
        23,
        Exact,
    );
    none("Paramedics saved 23 lives that night.");
}

// Numbers after the verb or noun.

#[test]
fn killing_participle() {
    one(
        "A car bomb exploded near the market, killing 12.",
        Killed,
        12,
        Exact,
    );
}

#[test]
fn killed_object() {
    one(
        "The gunman killed at least 9 people before police arrived.",
        Killed,
        9,
        AtLeast,
    );
}

#[test]
fn leaving_dead() {
    one(
        "The bus plunged into a ravine, leaving 15 dead.",
        Killed,
        15,
        Exact,
    );
}

#[test]
fn injuring_dozens() {
    one(
        "The explosion tore through the depot, injuring dozens.",
        Injured,
        12,
        AtLeast,
    );
}

#[test]
fn killed_and_wounded_in_one_sentence() {
    assert_eq!(
        obs("Police said 6 people were killed and more than 40 wounded in the attack."),
        vec![(Killed, 6, Exact), (Injured, 40, MoreThan)]
    );
    assert_eq!(
        obs("The tornado killed 31 people and injured 250."),
        vec![(Killed, 31, Exact), (Injured, 250, Exact)]
    );
}

#[test]
fn death_toll_forms() {
    one("The death toll is 88.", Killed, 88, Exact);
    one(
        "The death toll from the floods rose to 204 on Monday.",
        Killed,
        204,
        Exact,
    );
    one("Officials said the toll stands at 61.", Killed, 61, Exact);
    one("Death toll: 19", Killed, 19, Exact);
    one(
        "The quake left a death toll of more than 2,000.",
        Killed,
        2000,
        MoreThan,
    );
}

#[test]
fn number_of_kind_forms() {
    one("The number of injured climbed to 415.", Injured, 415, Exact);
    one(
        "The ministry puts the number of dead at 73.",
        Killed,
        73,
        Exact,
    );
    one(
        "Authorities revised the number of injured up to 290.",
        Injured,
        290,
        Exact,
    );
}

#[test]
fn fatalities_and_deaths() {
    one(
        "Regional officials confirmed 27 fatalities.",
        Killed,
        27,
        Exact,
    );
    one("There have been 8 deaths so far.", Killed, 8, Exact);
}

// Arrests.

#[test]
fn arrested_passive_and_active() {
    one("Four suspects were arrested on Sunday.", Arrested, 4, Exact);
    one(
        "Police arrested seven people in dawn raids.",
        Arrested,
        7,
        Exact,
    );
    one("Nine people have been detained.", Arrested, 9, Exact);
}

#[test]
fn charged_remanded_custody() {
    one(
        "Prosecutors charged three men with murder.",
        Arrested,
        3,
        Exact,
    );
    one(
        "Two teenagers were remanded on Tuesday.",
        Arrested,
        2,
        Exact,
    );
    one("Five people are in custody.", Arrested, 5, Exact);
    one("Six men are now in police custody.", Arrested, 6, Exact);
}

#[test]
fn ordinal_suspect_means_total() {
    one(
        "A ninth suspect was detained on Friday.",
        Arrested,
        9,
        Exact,
    );
    one("An eighth suspect is in custody.", Arrested, 8, Exact);
    none("The first suspect was detained on Friday.");
    none("It was the ninth day of the search.");
}

#[test]
fn one_person_and_a_count_add_up() {
    one(
        "The skipper said the captain and two crew members were detained on Monday.",
        Arrested,
        3,
        Exact,
    );
    one(
        "The blast killed a woman and two children.",
        Killed,
        3,
        Exact,
    );
    one(
        "Police arrested the owner and four employees.",
        Arrested,
        5,
        Exact,
    );
    // Things are not people: the count stays as said.
    one(
        "A bus and two cars collided, injuring 5 people.",
        Injured,
        5,
        Exact,
    );
}

#[test]
fn members_of_a_group_yield_to_the_toll() {
    let a = article(
        "Funerals held",
        "Mourners attended the funerals of six members of one family who died in the blaze. \
         The fire has killed 26 people.",
    );
    assert_eq!(a, vec![(Killed, 26, Exact)]);
    // Alone, the group is the only figure there is.
    let a = article(
        "Fire",
        "Four members of a family were killed in the blaze on Sunday.",
    );
    assert_eq!(a, vec![(Killed, 4, Exact)]);
    // Arrested members of a gang are the arrest count.
    one(
        "Police arrested three members of a gang.",
        Arrested,
        3,
        Exact,
    );
}

#[test]
fn total_not_subset_after_including() {
    one(
        "Police detained nine, including the four gunmen.",
        Arrested,
        9,
        Exact,
    );
    one(
        "Eleven people, including the driver, were arrested.",
        Arrested,
        11,
        Exact,
    );
}

#[test]
fn held_hostage_is_not_arrest() {
    none("Twelve people were held hostage for six hours.");
    one("Nine held after stadium stabbing", Arrested, 9, Exact);
}

#[test]
fn suspects_in_court() {
    one(
        "The three suspects appeared in court on Monday.",
        Arrested,
        3,
        Exact,
    );
    none("Police are hunting two suspects.");
}

#[test]
fn immigration_detentions_are_not_the_story() {
    none(
        "After the bombing, officers checked 3,000 migrants and detained about 50 for visa violations.",
    );
    none("Police detained 30 people in immigration raids across the city.");
}

#[test]
fn more_suspects_is_an_increment() {
    none("A court jailed two more suspects on Thursday.");
    none("Police arrested another three men.");
}

// Qualifiers.

#[test]
fn qualifiers() {
    one("No fewer than 16 people died.", Killed, 16, AtLeast);
    one(
        "Upwards of 200 people were injured.",
        Injured,
        200,
        MoreThan,
    );
    one("In excess of 50 people were hurt.", Injured, 50, MoreThan);
    one("Over 90 were killed.", Killed, 90, MoreThan);
    one(
        "Roughly 400 homes were flooded and around 35 people died.",
        Killed,
        35,
        About,
    );
    one("Approximately 12 climbers are missing.", Missing, 12, About);
    one(
        "An estimated 3,000 people were killed.",
        Killed,
        3000,
        About,
    );
    one("Almost 60 people were injured.", Injured, 60, Nearly);
    one("Close to 70 people were wounded.", Injured, 70, Nearly);
    one("As many as 120 people may have died.", Killed, 120, UpTo);
    one("Up to 45 people were killed.", Killed, 45, UpTo);
}

#[test]
fn vague_lower_bounds() {
    one(
        "Hundreds of people were injured in the stampede.",
        Injured,
        100,
        AtLeast,
    );
    one(
        "Thousands are missing after the tsunami.",
        Missing,
        1000,
        AtLeast,
    );
    one(
        "Scores of people were killed in the fighting.",
        Killed,
        40,
        AtLeast,
    );
}

#[test]
fn vague_words_without_figure() {
    none("Several people were injured.");
    none("A few people were hurt.");
    none("Many people died.");
    none("Several hundred people were evacuated and many were hurt.");
}

#[test]
fn more_than_a_dozen() {
    one(
        "More than a dozen people were wounded.",
        Injured,
        12,
        MoreThan,
    );
    one("Two dozen people were killed.", Killed, 24, Exact);
}

// Revisions.

#[test]
fn revision_keeps_current() {
    one("The death toll rose to 143 from 137.", Killed, 143, Exact);
    one("The toll climbed from 139 to 143.", Killed, 143, Exact);
    one(
        "The storm has now killed 58 people, up from 41.",
        Killed,
        58,
        Exact,
    );
}

#[test]
fn stale_figures_are_dropped() {
    none("Officials initially reported 40 dead.");
    none("Rescuers first reported 12 dead on the night of the flood.");
    none("The death toll had stood at 30 on Tuesday.");
}

// Other events.

#[test]
fn year_marks_other_event() {
    none("In 2015, 130 people were killed in a similar attack.");
    none("A 2011 earthquake in the same region killed 185 people.");
    none("The bridge collapse of 2018, which left 43 dead, led to new rules.");
}

#[test]
fn deadliest_since() {
    one(
        "At least 80 people died, the deadliest flood since the great storm, when 300 died.",
        Killed,
        80,
        AtLeast,
    );
    one(
        "At least 12 people were killed in the worst shooting since 2019.",
        Killed,
        12,
        AtLeast,
    );
}

#[test]
fn separate_and_previous_events() {
    none("In a separate attack, gunmen killed 8 soldiers.");
    none("A previous fire at the plant injured 20 workers.");
    none("Last year, floods killed 60 people in the valley.");
    none("Two years ago a landslide killed 14 people there.");
}

#[test]
fn named_other_event() {
    let text = "Floodwaters swept through Valdmere on Monday night. At least 31 people died in Valdmere. \
        Rescue teams worked through the night to reach cut-off villages. \
        The Tarnow flood killed 55 people.";
    assert_eq!(obs(text), vec![(Killed, 31, AtLeast)]);
    let text = "A gunman opened fire at a school in Brenton. Eight people were killed. \
        The toll is higher than the shooting at Oakfield, where 12 people died.";
    assert_eq!(obs(text), vec![(Killed, 8, Exact)]);
}

#[test]
fn story_named_event_is_kept() {
    let text = "The Harwick Bridge collapsed into the river on Tuesday evening during rush hour. \
        The Harwick Bridge collapse killed 9 people.";
    assert_eq!(obs(text), vec![(Killed, 9, Exact)]);
}

// Not casualty counts.

#[test]
fn attendees_evacuees_troops() {
    none("About 5,000 fans had gathered for the match.");
    none("A teenager led 60 frightened guests to safety.");
    none("Officials evacuated 2,300 residents from the coast.");
    none("The army deployed 800 troops to the area.");
}

#[test]
fn ages_are_not_counts() {
    none("A 15-year-old was killed.");
    // One person, whatever their age.
    one("The driver, aged 34, was injured.", Injured, 1, Exact);
    one("A boy, 12, was hurt in the crush.", Injured, 1, Exact);
    none("The victim was 19 years old and died at the scene.");
}

#[test]
fn dates_times_money_percentages() {
    none("The dam failed on 14 March and the flood killed people downstream.");
    none("At 4:30 the roof collapsed and people died.");
    none("The fund raised $50 million for the injured.");
    none("Insurers expect claims to rise 20 percent after the injured are counted.");
    none("The quake, of magnitude 7, destroyed 300 homes.");
}

#[test]
fn hospital_subsets_are_not_the_total() {
    none("About 80 people remain in hospital.");
    none("Twelve are still hospitalised.");
    none("Some 14 people are in critical condition.");
    one(
        "Police said 210 people were injured, 35 of whom remain in hospital.",
        Injured,
        210,
        Exact,
    );
}

#[test]
fn affected_is_not_injured() {
    none("More than 20,000 people were affected by the floods.");
}

#[test]
fn trapped_is_not_missing() {
    none("Seven miners are trapped underground.");
    none("Hundreds of drivers were stranded on the motorway.");
}

#[test]
fn another_victim_without_number() {
    none("Another victim died in hospital on Sunday.");
    one(
        "Another victim died in hospital, taking the death toll to 19.",
        Killed,
        19,
        Exact,
    );
}

#[test]
fn subsets_of_them() {
    one(
        "The blast killed 23 people, eight of them children.",
        Killed,
        23,
        Exact,
    );
}

#[test]
fn more_after_another_kind_is_the_total() {
    assert_eq!(
        obs("At least 40 people were killed, while over a hundred more were injured."),
        vec![(Killed, 40, AtLeast), (Injured, 100, MoreThan)]
    );
    none("Three more people died overnight.");
}

#[test]
fn hundred_plus() {
    one("The crash left 100-plus injured.", Injured, 100, MoreThan);
    one("Fifty or more people were killed.", Killed, 50, AtLeast);
}

// Article-level choice.

#[test]
fn article_prefers_lead() {
    let text = "At least 64 people were killed and 210 injured when the stadium roof fell.\n\n\
        Witnesses said 30 people were killed near the gates.";
    assert_eq!(
        article("Stadium roof collapse", text),
        vec![(Killed, 64, AtLeast), (Injured, 210, Exact)]
    );
}

#[test]
fn article_update_beats_older_lead() {
    let text = "Floods killed 40 people on Saturday.\n\n\
        By Monday the death toll had risen to 57.";
    assert_eq!(article("Floods", text), vec![(Killed, 57, Exact)]);
}

#[test]
fn live_blog_newest_entry_wins() {
    let text = "What to know:\n\n• The death toll stands at 75.\n\n• 320 people were injured.\n\n\
        09:10 The death toll has risen to 61.\n\n08:00 Officials say 48 people died and 200 were injured.";
    assert_eq!(
        article("Live: quake", text),
        vec![(Killed, 75, Exact), (Injured, 320, Exact)]
    );
}

#[test]
fn body_precise_beats_rounded() {
    let text = "Over 800 people were injured in the blasts.\n\n\
        The health ministry said 821 people were injured, 90 of them seriously.";
    assert_eq!(
        article("Over 800 injured", text),
        vec![(Injured, 821, Exact)]
    );
}

#[test]
fn same_value_keeps_hedge() {
    let text = "At least 51 people were killed.\n\nThe 51 people killed included two pilots.";
    assert_eq!(article("Crash", text), vec![(Killed, 51, AtLeast)]);
}

#[test]
fn title_used_only_when_body_silent() {
    assert_eq!(
        article(
            "Wildfire kills 12, six missing",
            "Crews fought the blaze through the night."
        ),
        vec![(Killed, 12, Exact), (Missing, 6, Exact)]
    );
    assert_eq!(
        article(
            "Over 800 injured",
            "The ministry said 821 people were injured."
        ),
        vec![(Injured, 821, Exact)]
    );
}

#[test]
fn article_one_per_kind() {
    let text = "The quake killed 300 people. Rescuers found 300 bodies. 500 people were injured.";
    let got = article("Quake", text);
    assert_eq!(got.len(), 2);
}

#[test]
fn article_ignores_other_event_figures() {
    let text = "A gunman killed 6 people at a shopping centre in Larsby on Saturday.\n\n\
        In 2016, 49 people were killed in a shooting at a nightclub.";
    assert_eq!(article("Larsby shooting", text), vec![(Killed, 6, Exact)]);
}

#[test]
fn n_of_the_m() {
    one(
        "Eleven of the 24 people on board were killed.",
        Killed,
        11,
        Exact,
    );
}

#[test]
fn arrests_noun() {
    one(
        "Officers made 14 arrests during the night.",
        Arrested,
        14,
        Exact,
    );
}

#[test]
fn toll_with_relative_clause() {
    one(
        "The toll, which had stood at 52 on Monday, rose to 61 on Tuesday.",
        Killed,
        61,
        Exact,
    );
}

#[test]
fn bringing_the_toll_is_an_update() {
    let text = "Five people died at the scene.\n\nTwo more died later in hospital, bringing the death toll to seven.";
    assert_eq!(article("Crash", text), vec![(Killed, 7, Exact)]);
}

#[test]
fn at_large_is_not_arrested() {
    none("Police said 3 suspects remained at large.");
}

// Robustness.

#[test]
fn sentence_split_abbreviations() {
    assert_eq!(
        obs("Mr. Lane said 5 people died. Dr. Ortiz said 12 were injured."),
        vec![(Killed, 5, Exact), (Injured, 12, Exact)]
    );
}

#[test]
fn observation_carries_sentence() {
    let o = observations("Intro line. Heavy rain fell. 7 people drowned in the flash flood.");
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].sentence, "7 people drowned in the flash flood.");
    assert_eq!(o[0].term, "drowned");
}

#[test]
fn unicode_and_junk_do_not_panic() {
    let weird =
        "«Ωμέγα» — 12 ανθρώπους • 💥 5 killed… ’’ 1,,2 .. 3.4.5 injured 9:9 \u{202e} ذ 7 dead";
    let _ = observations(weird);
    let _ = article_figures(weird, weird);
    let _ = observations("");
    let _ = observations("•••...!!!???\n\n\n");
    let _ = observations("999999999999999999999999 people were killed.");
    assert_eq!(
        obs("999999999999999999999999 people were killed."),
        vec![(Killed, u64::MAX, Exact)]
    );
}

/// Words that trip the rules, for the word-salad test to string together.
const VOCAB: &[&str] = &[
    "12",
    "1,200",
    "nine",
    "a",
    "hundred",
    "and",
    "lost",
    "their",
    "lives",
    "killed",
    "toll",
    "death",
    "of",
    "the",
    "from",
    "to",
    ",",
    ".",
    "(",
    ")",
    "including",
    "in",
    "custody",
    "ninth",
    "suspect",
    "more",
    "than",
    "at",
    "least",
    "2015",
    "since",
    "-",
    "’s",
    "Élan",
    "missing",
    "for",
    "number",
    "injured",
    "or",
    "held",
    "which",
    "up",
    "100-plus",
    "dozens",
    "•",
    "\n\n",
    "：",
    "15-year-old",
];

#[test]
fn word_salad_never_panics() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..400 {
        let mut s = String::new();
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(VOCAB[(x % VOCAB.len() as u64) as usize]);
            if !x.is_multiple_of(3) {
                s.push(' ');
            }
        }
        let _ = observations(&s);
        let _ = article_figures(&s, &s);
    }
}

#[test]
fn huge_input_is_bounded() {
    let long = "word ".repeat(1_000_000);
    assert!(observations(&long).is_empty());
    let many = "12 people were killed. ".repeat(100_000);
    assert!(!observations(&many).is_empty());
    let one_long_sentence = format!("{} 12 people were killed.", "x ".repeat(5_000));
    assert!(observations(&one_long_sentence).is_empty());
}

#[test]
fn counts_of_other_things_with_kind_words_later() {
    none("The 3 hospitals treating the injured are full.");
    none("Police said 400 officers were at the scene when the injured were carried out.");
}

// Choosing among one kind's statements.

fn found(sentence: usize, value: u64, qualifier: Qualifier, update: bool) -> Found {
    Found {
        obs: Observation {
            kind: Killed,
            value,
            qualifier,
            sentence: String::new(),
            term: String::new(),
        },
        sentence,
        update,
        soft_stale: false,
        weak: false,
    }
}

fn chosen(cands: &[Found]) -> Option<(usize, u64)> {
    let refs: Vec<&Found> = cands.iter().collect();
    choose(&refs).map(|f| (f.sentence, f.obs.value))
}

#[test]
fn choose_takes_the_first_unless_a_later_rise_or_a_precise_figure() {
    assert_eq!(chosen(&[]), None);
    let lead = found(1, 40, Exact, false);
    assert_eq!(
        chosen(&[lead.clone(), found(3, 30, Exact, false)]),
        Some((1, 40))
    );
    assert_eq!(
        chosen(&[lead.clone(), found(3, 57, Exact, true)]),
        Some((3, 57))
    );
    assert_eq!(
        chosen(&[lead.clone(), found(3, 30, Exact, true)]),
        Some((1, 40))
    );
    let over = found(1, 800, MoreThan, false);
    assert_eq!(
        chosen(&[over.clone(), found(2, 821, Exact, false)]),
        Some((2, 821))
    );
    assert_eq!(
        chosen(&[over, found(2, 1200, Exact, false)]),
        Some((1, 800))
    );
}

#[test]
fn choose_ranks_soft_stale_and_weak_statements_last() {
    let mut stood = found(1, 52, Exact, false);
    stood.soft_stale = true;
    assert_eq!(
        chosen(&[stood.clone(), found(2, 61, Exact, false)]),
        Some((2, 61))
    );
    assert_eq!(chosen(&[stood]), Some((1, 52)));
    let mut single = found(1, 1, Exact, false);
    single.weak = true;
    assert_eq!(
        chosen(&[single.clone(), found(2, 4, Exact, false)]),
        Some((2, 4))
    );
    assert_eq!(chosen(&[single]), Some((1, 1)));
}

#[test]
fn hedged_figures_round_nearby_exact_ones() {
    assert!(rounds_to(MoreThan, 800, 821) && !rounds_to(MoreThan, 800, 800));
    assert!(rounds_to(AtLeast, 100, 125) && !rounds_to(AtLeast, 100, 126));
    assert!(rounds_to(About, 100, 80) && rounds_to(About, 100, 120) && !rounds_to(About, 100, 121));
    assert!(rounds_to(Nearly, 100, 80) && !rounds_to(Nearly, 100, 100));
    assert!(rounds_to(UpTo, 100, 99) && !rounds_to(UpTo, 100, 79));
    assert!(!rounds_to(Exact, 100, 100));
}
