//! Language of a report: Ukrainian and Russian by their letters, English by its function words.

pub fn detect(text: &str) -> &'static str {
    let sample: String = text.chars().take(4000).collect();
    let (mut cyr, mut lat) = (0usize, 0usize);
    let (mut uk, mut ru) = (0usize, 0usize);
    for c in sample.chars() {
        match c {
            'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ' => {
                uk += 1;
                cyr += 1;
            }
            'ы' | 'э' | 'ъ' | 'ё' | 'Ы' | 'Э' | 'Ъ' | 'Ё' => {
                ru += 1;
                cyr += 1;
            }
            '\u{400}'..='\u{4ff}' => cyr += 1,
            'a'..='z' | 'A'..='Z' => lat += 1,
            _ => {}
        }
    }
    if cyr > lat {
        return if uk > ru {
            "uk"
        } else if ru > 0 {
            "ru"
        } else {
            "und"
        };
    }
    let lower = sample.to_lowercase();
    let english = [" the ", " and ", " of ", " to ", " in ", " said "]
        .iter()
        .filter(|w| lower.contains(*w))
        .count();
    if english >= 3 { "en" } else { "und" }
}
