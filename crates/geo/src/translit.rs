//! Transliteration of Cyrillic names: Ukrainian by the national standard of 2010 (Cabinet of Ministers
//! resolution No. 55), Russian by BGN/PCGN (1947). Used to find places spelled in Cyrillic and to give
//! Latin forms of names.

fn is_word_start(prev: Option<char>) -> bool {
    prev.is_none_or(|p| !p.is_alphabetic() && p != '\'' && p != '’' && p != 'ʼ')
}

fn cap(s: &str, upper: bool) -> String {
    if !upper {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The loop both standards share: each Cyrillic letter is replaced by its table entry, keeping the case of
/// the original's first letter; other characters pass through.
fn transliterate(s: &str, table: impl Fn(char, Option<char>, bool) -> Option<&'static str>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let lower: char = c.to_lowercase().next().unwrap_or(c);
        match table(lower, prev, is_word_start(prev)) {
            Some(t) => out.push_str(&cap(t, c.is_uppercase())),
            None => out.push(c),
        }
    }
    out
}

/// Ukrainian, national standard of 2010: Київ → Kyiv, Запоріжжя → Zaporizhzhia, Згурівка → Zghurivka.
pub fn uk_national_2010(s: &str) -> String {
    transliterate(s, |lower, prev, start| {
        Some(match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'д' => "d",
            'е' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ґ' => "g",
            // "зг" is written "zgh" to keep it apart from "ж".
            'г' => {
                if prev.is_some_and(|p| p == 'з' || p == 'З') {
                    "gh"
                } else {
                    "h"
                }
            }
            'є' => {
                if start {
                    "ye"
                } else {
                    "ie"
                }
            }
            'ї' => {
                if start {
                    "yi"
                } else {
                    "i"
                }
            }
            'й' => {
                if start {
                    "y"
                } else {
                    "i"
                }
            }
            'ю' => {
                if start {
                    "yu"
                } else {
                    "iu"
                }
            }
            'я' => {
                if start {
                    "ya"
                } else {
                    "ia"
                }
            }
            'ь' | '\'' | '’' | 'ʼ' => "",
            _ => return None,
        })
    })
}

/// Russian, BGN/PCGN: Москва → Moskva, Ельцин → Yel’tsin, Белгород → Belgorod.
pub fn ru_bgn_pcgn(s: &str) -> String {
    transliterate(s, |lower, prev, start| {
        let after_vowel = prev.is_some_and(|p| "аеёиоуыэюяйъьАЕЁИОУЫЭЮЯЙЪЬ".contains(p));
        Some(match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' => "”",
            'ы' => "y",
            'ь' => "’",
            'э' => "e",
            'ю' => "yu",
            'я' => "ya",
            'е' => {
                if start || after_vowel {
                    "ye"
                } else {
                    "e"
                }
            }
            'ё' => {
                if start || after_vowel {
                    "yë"
                } else {
                    "ë"
                }
            }
            _ => return None,
        })
    })
}
