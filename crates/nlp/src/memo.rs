//! What the gazetteer, the lexicon and the morphological dictionary say of a word, remembered while one text
//! is read: a name is looked up by several rules, and names repeat. `read` forgets it all when a text starts.

use crate::GeoPlace;
use crate::entities::DictionaryFacts;
use std::collections::HashMap;

/// The tables, per thread; each is emptied when it grows past a few thousand words (for callers outside `read`).
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) canonical: HashMap<String, Option<&'static str>>,
    pub(crate) known: HashMap<String, bool>,
    pub(crate) country: HashMap<String, bool>,
    pub(crate) large: HashMap<String, bool>,
    pub(crate) geo: HashMap<String, Option<GeoPlace>>,
    pub(crate) matches: HashMap<String, Vec<livebrief_geo::Match<'static>>>,
    pub(crate) dictionary_uk: HashMap<String, DictionaryFacts>,
    pub(crate) dictionary_ru: HashMap<String, DictionaryFacts>,
    pub(crate) genitive: HashMap<String, Option<String>>,
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

pub(crate) fn memo<T: Clone>(
    table: fn(&mut Memo) -> &mut HashMap<String, T>,
    key: &str,
    compute: impl FnOnce() -> T,
) -> T {
    if let Some(v) = MEMO.with(|m| table(&mut m.borrow_mut()).get(key).cloned()) {
        return v;
    }
    let v = compute();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let t = table(&mut m);
        if t.len() >= 4096 {
            t.clear();
        }
        t.insert(key.to_string(), v.clone());
    });
    v
}

pub(crate) fn forget() {
    MEMO.with(|m| *m.borrow_mut() = Memo::default());
}
