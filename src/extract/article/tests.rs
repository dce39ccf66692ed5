//! Tests for the article extractor: golden page/text pairs and edge cases.

use super::*;

fn text(html: &str) -> String {
    read(html, None).text
}

#[test]
fn golden_pairs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extract");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    entries.sort();
    for page in entries {
        let bytes = std::fs::read(&page).expect("fixture page");
        let expected = std::fs::read_to_string(page.with_extension("txt")).expect("fixture text");
        let got = read(&decode(&bytes, None), None).text;
        assert_eq!(got.trim(), expected.trim(), "fixture {}", page.display());
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} fixtures");
}

#[test]
fn empty_and_bodiless_inputs_give_empty_text() {
    assert_eq!(read("", None), Article::default());
    assert_eq!(
        text("<html><head><title>Only a title</title></head></html>"),
        ""
    );
    assert_eq!(
        read("<title>Only a title</title>", None).title.as_deref(),
        Some("Only a title")
    );
    assert_eq!(text("   \u{0}\u{feff}  "), "");
}

#[test]
fn script_only_page_gives_no_code() {
    let html = "<html><body><script>var a = 'function body text that is long enough to look like words, yes it is';</script><style>p{color:red}</style></body></html>";
    assert!(!text(html).contains("color"));
    assert!(!text(html).contains("var a"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 10_000;
    let mut html = String::from("<html><body>");
    for _ in 0..depth {
        html.push_str("<div>");
    }
    html.push_str("<p>The lighthouse keeper logged a new record for fog, with thirty-one days in a row of poor visibility, the longest run since records began.</p>");
    for _ in 0..depth {
        html.push_str("</div>");
    }
    html.push_str("</body></html>");
    // Run on a small stack so that any recursion over the tree would fail here.
    let out = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || text(&html))
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert!(out.contains("thirty-one days"), "{out}");
}

#[test]
fn br_separated_paragraphs_become_paragraphs() {
    let html = "<html><body><div class=\"x\">The quarry will close at the end of the year, its owners said on Monday.<br><br>About sixty people work at the site, most of them from the two nearest villages.<br>Talks with the union begin next week, according to a short statement.</div></body></html>";
    assert_eq!(
        text(html),
        "The quarry will close at the end of the year, its owners said on Monday.\n\nAbout sixty people work at the site, most of them from the two nearest villages.\n\nTalks with the union begin next week, according to a short statement."
    );
}

#[test]
fn whitespace_and_no_break_spaces_are_normalised() {
    let html = "<article><p>Seven&nbsp;boats   were\n\t damaged\u{a0}in the harbour when the storm reached the coast late on Saturday evening.</p></article>";
    assert_eq!(
        text(html),
        "Seven boats were damaged in the harbour when the storm reached the coast late on Saturday evening."
    );
}

#[test]
fn huge_input_is_capped_and_still_read() {
    let para = "<p>The night market reopened on Friday with forty stalls, after a summer of repairs to the square and its drains.</p>";
    let mut html = String::from("<html><body><article>");
    html.push_str(para);
    html.push_str("</article><ul>");
    while html.len() < MAX_INPUT_BYTES + 1_000_000 {
        html.push_str("<li><a href=\"/é\">é link</a></li>");
    }
    html.push_str("</ul></body></html>");
    let started = std::time::Instant::now();
    let out = text(&html);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
    assert!(out.contains("night market reopened"));
}

#[test]
fn declared_body_is_not_output_twice() {
    let body = "The council has agreed to rebuild the sea wall at Carrow Bay, where a storm last winter washed away forty metres of the promenade and flooded the lower town. Work will begin in March and take two years. Residents will be consulted on the design of the new promenade before the end of the month, the council said.";
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","articleBody":"{body}"}}</script></head>
        <body><article><p>{body}</p></article><div class="more"><p>Unrelated footer words about something else entirely, which should not be here at all.</p></div></body></html>"#
    );
    let out = text(&html);
    assert_eq!(out.matches("sea wall at Carrow Bay").count(), 1, "{out}");
}

#[test]
fn text_in_next_data_only_is_found() {
    let html = r#"<html><body><div id="__next"></div><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"article":{"blocks":[{"kind":"p","text":"Volunteers planted two thousand trees along the ring road on Saturday, finishing a project that began three years ago."},{"kind":"p","text":"The city says the trees will cut traffic noise for the houses nearest the road within a decade."}]}}}}</script></body></html>"#;
    let out = text(html);
    assert_eq!(
        out,
        "Volunteers planted two thousand trees along the ring road on Saturday, finishing a project that began three years ago.\n\nThe city says the trees will cut traffic noise for the houses nearest the road within a decade."
    );
}

#[test]
fn broken_markup_still_reads() {
    let html = "<html><body><div><p>Snow closed the mountain pass for a third day, and the road authority said it could stay shut until the weekend.<p>Drivers were told to use the coast road instead, which adds an hour to the trip.</div></span></b><table><td>";
    let out = text(html);
    assert!(out.contains("Snow closed the mountain pass"));
    assert!(out.contains("Drivers were told"));
}

#[test]
fn data_table_rows_stay_on_one_line() {
    let html = "<article><p>The results of the regional rowing regatta, held on the lake on Sunday, were as follows.</p><table><tr><td>1</td><td>Harbour Club</td><td>6:12</td></tr><tr><td>2</td><td>Lakeside</td><td>6:19</td></tr></table></article>";
    let out = text(html);
    assert!(
        out.contains("1 Harbour Club 6:12\n\n2 Lakeside 6:19"),
        "{out}"
    );
}

#[test]
fn quoted_post_in_social_wrapper_stays_but_share_bar_goes() {
    let html = r#"<html><body><article>
    <p>The regional water board said on Tuesday that the reservoir had fallen to its lowest level in twenty years.</p>
    <div class="social-share"><a href="/s">Share on Facebook</a> <a href="/t">Share by email</a></div>
    <div class="social-embed"><blockquote class="post-quote"><p>Reservoir levels are now at 31 per cent. Please use water sparingly this week. — Water Board (@waterboard)</p></blockquote></div>
    <p>A hosepipe ban will start on Monday unless heavy rain falls over the weekend, the board added in its statement.</p>
    </article></body></html>"#;
    let out = text(html);
    assert!(
        out.contains("Reservoir levels are now at 31 per cent"),
        "{out}"
    );
    assert!(!out.contains("Share on Facebook"), "{out}");
}

#[test]
fn timeline_class_is_not_furniture() {
    let html = r#"<html><body><div class="timeline">
    <p class="timeline-item">At dawn the river burst its banks near the mill.</p>
    <p class="timeline-item">By noon, the water had reached the market square and the town hall.</p>
    <p class="timeline-item">In the evening, soldiers arrived to help fill sandbags along the quay.</p>
    </div></body></html>"#;
    let out = text(html);
    assert!(out.contains("At dawn the river burst"), "{out}");
    assert!(out.contains("soldiers arrived"), "{out}");
}

#[test]
fn plain_text_keeps_its_lines_as_title_and_paragraphs() {
    let a = read_plain(
        "\n  Ferry sinks off Kessit  \n\nAll 40 aboard were rescued.\nThe captain was praised.\n",
    );
    assert_eq!(a.title.as_deref(), Some("Ferry sinks off Kessit"));
    assert_eq!(
        a.text,
        "All 40 aboard were rescued.\n\nThe captain was praised."
    );
    assert!(looks_plain("Ferry sinks\n3 < 4, said the map"));
    assert!(!looks_plain("<html><p>Ferry sinks</p>"));
    assert!(!looks_plain("<!doctype html>"));
}
