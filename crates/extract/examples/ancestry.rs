//! Debugging aid: prints the ancestors of the first text node containing a phrase.
//! cargo run -p livebrief-extract --example ancestry -- page.html "some phrase"
use livebrief_extract::dom::{Data, Dom};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(phrase)) = (args.next(), args.next()) else {
        eprintln!("usage: ancestry FILE PHRASE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (text, _, _) = livebrief_extract::decode(&bytes, None, None);
    let dom = Dom::parse(&text);
    let Some(n) = (0..dom.nodes.len() as u32).find(|&n| dom.text(n).is_some_and(|t| t.contains(&phrase))) else {
        println!("phrase not found in any text node");
        return;
    };
    let mut cur = Some(n);
    let mut depth = 0;
    while let Some(c) = cur {
        if let Data::Element { name, .. } = &dom.nodes[c as usize].data {
            let attrs: Vec<String> = dom
                .attrs(c)
                .iter()
                .filter(|a| {
                    matches!(
                        a.name.as_ref(),
                        "class" | "id" | "role" | "style" | "hidden" | "itemprop"
                    )
                })
                .map(|a| format!("{}={:?}", a.name, a.value))
                .collect();
            println!("{depth:3} <{name} {}>", attrs.join(" "));
        }
        depth += 1;
        cur = dom.parent(c);
    }
}
