//! Function words of English, Ukrainian and Russian, the languages the briefings are written in: they carry no
//! event, and early in a stream, before the document frequencies have seen enough reports to learn that, they would
//! make every report look like every other. Later the learned IDF does the same work for every other common word.

/// Sorted by bytes, for binary search.
const STOP: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "don", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have",
    "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off",
    "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she",
    "should", "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    "yours", "yourself", "yourselves", "а", "або", "але", "без", "бо", "более", "больше", "був", "будет", "будто",
    "була", "були", "було", "бути", "бы", "был", "была", "были", "было", "быть", "в", "вам", "вас", "вдруг", "ведь",
    "вже", "ви", "во", "вона", "вони", "воно", "вот", "впрочем", "все", "всегда", "всего", "всех", "всю", "вы",
    "від", "він", "где", "да", "даже", "два", "де", "для", "до", "другой", "его", "ее", "ей", "ему", "если", "есть",
    "еще", "ж", "же", "з", "за", "зачем", "здесь", "зі", "и", "из", "или", "им", "иногда", "их", "й", "його", "йому",
    "к", "как", "какая", "какой", "когда", "коли", "конечно", "котрий", "кто", "куда", "ли", "лише", "лучше",
    "между", "мене", "меня", "ми", "мне", "много", "может", "можно", "мой", "моя", "мы", "між", "на", "над", "надо",
    "наконец", "нам", "нас", "не", "него", "нее", "ней", "нельзя", "нет", "ни", "нибудь", "никогда", "ним", "них",
    "ничего", "но", "ну", "ні", "о", "об", "один", "он", "она", "они", "опять", "от", "перед", "по", "под", "после",
    "потом", "потому", "почти", "при", "про", "під", "раз", "разве", "с", "сам", "свою", "своя", "своє", "свої",
    "свій", "себе", "себя", "со", "совсем", "та", "так", "также", "також", "такой", "там", "тебе", "тебя", "тем",
    "теперь", "ти", "то", "тогда", "того", "тоже", "той", "только", "том", "тот", "три", "тут", "ты", "ті", "тільки",
    "у", "уж", "уже", "хорошо", "хоть", "це", "цей", "ця", "ці", "чего", "чем", "через", "чи", "что", "чтоб",
    "чтобы", "чуть", "ще", "що", "щоб", "эти", "это", "этого", "этой", "этом", "этот", "эту", "я", "як", "яка",
    "яке", "який", "якщо", "які", "є", "і", "із", "їй", "їм", "їх", "її",
];

pub(crate) fn is_stop(word: &str) -> bool {
    STOP.binary_search_by(|w| w.as_bytes().cmp(word.as_bytes())).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_found() {
        assert!(STOP.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
        assert!(is_stop("the") && is_stop("що") && is_stop("что"));
        assert!(!is_stop("kyiv"));
    }
}
