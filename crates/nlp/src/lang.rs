//! Language of a report: Ukrainian and Russian by their letters and function words, English by its
//! function words; anything else is `und`.
//!
//! Letters decide most texts (Ukrainian і ї є ґ, Russian ы э ъ ё), but a short Russian text can have none of
//! its own letters ("Путин сказал, что Россия готова к диалогу") and a short Ukrainian one none of its own
//! ("Зеленський заявив, що переговори тривають"). Words that are common in one language and do not exist
//! in the other (что / що, и / і, это / це, был / був) count twice as much as a letter. Letters of other
//! Cyrillic alphabets (Belarusian ў, Serbian and Macedonian ђ ћ џ љ њ ј ѓ ќ ѕ) make a text `und` unless the
//! Ukrainian or Russian evidence is far stronger.

/// Only the first characters are looked at: a language shows within a few sentences.
const SAMPLE: usize = 4000;

/// Frequent Ukrainian words that are not Russian words.
const UK_WORDS: &[&str] = &[
    "і",
    "й",
    "що",
    "це",
    "та",
    "як",
    "він",
    "вона",
    "вони",
    "був",
    "була",
    "було",
    "були",
    "також",
    "який",
    "яка",
    "яке",
    "які",
    "або",
    "але",
    "щоб",
    "коли",
    "після",
    "вже",
    "його",
    "її",
    "їх",
    "із",
    "зі",
    "від",
    "має",
    "буде",
    "бути",
    "цього",
    "ще",
    "тому",
    "сказав",
    "заявив",
    "повідомив",
    "році",
    "між",
    "проти",
];

/// Frequent Russian words that are not Ukrainian words.
const RU_WORDS: &[&str] = &[
    "и",
    "что",
    "это",
    "как",
    "он",
    "она",
    "они",
    "был",
    "была",
    "было",
    "были",
    "также",
    "который",
    "которая",
    "которое",
    "которые",
    "или",
    "но",
    "чтобы",
    "когда",
    "после",
    "уже",
    "его",
    "её",
    "ее",
    "их",
    "из",
    "от",
    "есть",
    "будет",
    "быть",
    "этого",
    "еще",
    "ещё",
    "поэтому",
    "сказал",
    "заявил",
    "сообщил",
    "году",
    "между",
    "против",
];

pub fn detect(text: &str) -> &'static str {
    let sample: String = text.chars().take(SAMPLE).collect();
    let (mut cyr, mut lat) = (0usize, 0usize);
    let (mut uk, mut ru, mut other) = (0usize, 0usize, 0usize);
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
            'ў' | 'Ў' | 'ђ' | 'Ђ' | 'ћ' | 'Ћ' | 'џ' | 'Џ' | 'љ' | 'Љ' | 'њ' | 'Њ' | 'ј' | 'Ј' | 'ѓ' | 'Ѓ' | 'ќ'
            | 'Ќ' | 'ѕ' | 'Ѕ' => {
                other += 1;
                cyr += 1;
            }
            '\u{400}'..='\u{4ff}' => cyr += 1,
            'a'..='z' | 'A'..='Z' => lat += 1,
            _ => {}
        }
    }
    if cyr > lat {
        let lower = crate::text::lowercase(&sample);
        for w in lower.split(|c: char| !c.is_alphabetic() && c != '\'' && c != '’') {
            if UK_WORDS.contains(&w) {
                uk += 2;
            } else if RU_WORDS.contains(&w) {
                ru += 2;
            }
        }
        // Another Cyrillic alphabet's own letters outweigh what Ukrainian or Russian words it shares.
        if other * 4 >= uk.max(ru) {
            return "und";
        }
        return if uk > ru {
            "uk"
        } else if ru > uk {
            "ru"
        } else {
            "und"
        };
    }
    let lower = crate::text::lowercase(&sample);
    let english = [" the ", " and ", " of ", " to ", " in ", " said "]
        .iter()
        .filter(|w| lower.contains(*w))
        .count();
    if english >= 3 { "en" } else { "und" }
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn short_texts_without_their_own_letters() {
        assert_eq!(detect("Путин сказал, что Россия готова к диалогу с Киевом."), "ru");
        assert_eq!(detect("Зеленський заявив, що переговори тривають."), "uk");
        assert_eq!(detect("Он сказал это вчера в Москве"), "ru");
    }

    #[test]
    fn letters_still_decide_longer_texts() {
        assert_eq!(
            detect("Вибухи пролунали у Києві та Харкові вночі, повідомив мер Віталій Кличко."),
            "uk"
        );
        assert_eq!(detect("В Москве заявили, что переговоры продолжатся."), "ru");
        assert_eq!(
            detect("The president said on Monday that the talks in Istanbul would go on."),
            "en"
        );
    }

    #[test]
    fn other_cyrillic_alphabets_and_nothing_are_undetermined() {
        assert_eq!(detect("Вучић је рекао да ће Србија наставити разговоре."), "und");
        assert_eq!(detect("Лукашэнка заявіў, што перамовы працягваюцца."), "und");
        assert_eq!(detect(""), "und");
        assert_eq!(detect("Москва Донецьк"), "und");
        assert_eq!(detect("12:00 — 13:00"), "und");
    }
}
