//! People's names across spellings and scripts: which variants are one person, which are not.

use livebrief_nlp::names::given_compatible;
use livebrief_nlp::{Candidate, Relation, choose, person_key};

fn rel(a: &str, b: &str) -> Relation {
    let ka = person_key(a).unwrap_or_else(|| panic!("no key for {a:?}"));
    let kb = person_key(b).unwrap_or_else(|| panic!("no key for {b:?}"));
    let r = ka.relation(&kb);
    assert_eq!(r, kb.relation(&ka), "the relation is symmetric: {a} / {b}");
    r
}

/// Every pair in a group is the same person.
#[test]
fn variants_of_one_person_match() {
    let groups: &[&[&str]] = &[
        &[
            "Dmitry Peskov",
            "Kremlin spokesman Dmitry Peskov",
            "Dmytro Peskov",
            "Dmitriy Peskov",
            "Dmitri Peskov",
            "Dmytro Pieskov",
            "Дмитро Пєсков",
            "Дмитрий Песков",
            "Dmitrij Peskow",
            "D. Peskov",
            "Mr. Dmitry Peskov",
            "Dmitry Peskov's",
            "DMITRY PESKOV",
        ],
        &[
            "Volodymyr Zelensky",
            "Volodymyr Zelenskyy",
            "Volodymyr Zelenskiy",
            "Volodymyr Zelenskyi",
            "Володимир Зеленський",
            "Владимир Зеленский",
            "Vladimir Zelensky",
            "Ukrainian President Volodymyr Zelensky",
            "President Volodymyr Zelenskyy",
        ],
        &[
            "Yury Ushakov",
            "Yuri Ushakov",
            "Yuriy Ushakov",
            "Юрій Ушаков",
            "Юрий Ушаков",
            "Kremlin aide Yury Ushakov",
        ],
        &[
            "Andriy Yermak",
            "Andrii Yermak",
            "Andrei Yermak",
            "Андрій Єрмак",
            "Andriy Ermak",
            "Andrij Jermak",
        ],
        &[
            "Oleksandr Syrskyi",
            "Alexander Syrsky",
            "Aleksandr Syrskiy",
            "Олександр Сирський",
            "Александр Сырский",
        ],
        &["Serhiy Lysak", "Sergei Lysak", "Sergey Lysak", "Сергій Лисак"],
        &["Mykola Tochytskyi", "Nikolai Tochitsky", "Микола Точицький"],
        &["Hryhoriy Omelchenko", "Grigory Omelchenko", "Григорій Омельченко"],
        &["Olha Stefanishyna", "Olga Stefanishyna", "Ольга Стефанішина"],
        &["Maria Zakharova", "Mariya Zakharova", "Мария Захарова"],
        &["Micheál Martin", "Micheal Martin"],
        &[
            "Ursula von der Leyen",
            "European Commission President Ursula von der Leyen",
        ],
        &["Kyrylo Budanov", "Kirill Budanov", "Кирило Буданов"],
    ];
    for g in groups {
        for a in g.iter() {
            for b in g.iter() {
                assert_eq!(rel(a, b), Relation::Same, "{a} / {b}");
            }
        }
    }
}

#[test]
fn different_people_do_not_match() {
    for (a, b) in [
        ("Volodymyr Zelensky", "Vladimir Putin"),
        ("Andriy Yermak", "Olena Yermak"),
        ("Dmitry Peskov", "Elizaveta Peskova"),
        ("Dmitry Peskov", "Dmitry Medvedev"),
        ("Yury Ushakov", "Yury Shakov"),
        ("Sergei Lavrov", "Sergei Shoigu"),
        ("Natalia Humeniuk", "Anatoliy Humeniuk"),
        ("Dmytro Kuleba", "Andriy Sybiha"),
        ("Oleksandr Syrskyi", "Oleksiy Syrskyi"),
        ("Mike Waltz", "Michael Walz"),
        ("Donald Trump", "Donald Tusk"),
        ("Olena Zelenska", "Volodymyr Zelensky"),
    ] {
        assert_eq!(rel(a, b), Relation::Different, "{a} / {b}");
    }
}

#[test]
fn a_surname_alone_may_be_anyone_with_that_surname() {
    for (a, b) in [
        ("Peskov", "Dmitry Peskov"),
        ("Пєсков", "Dmitry Peskov"),
        ("Mr. Peskov", "Дмитрий Песков"),
        ("Zelenskyy", "Volodymyr Zelensky"),
        ("Зеленського", "Володимир Зеленський"),
        ("Пєсковим", "Dmitry Peskov"),
        ("President Zelensky", "Zelenskiy"),
    ] {
        assert_eq!(rel(a, b), Relation::Surname, "{a} / {b}");
    }
    assert_eq!(rel("Peskov", "Lavrov"), Relation::Different);
}

#[test]
fn roles_titles_and_organisations_are_dropped() {
    for (input, name) in [
        ("Kremlin spokesman Dmitry Peskov", "Dmitry Peskov"),
        ("U.S. President Donald Trump", "Donald Trump"),
        ("US national-security adviser Mike Waltz", "Mike Waltz"),
        ("Ukraine's President Volodymyr Zelensky", "Volodymyr Zelensky"),
        ("Dr. Olena Marchenko", "Olena Marchenko"),
        ("речник Кремля Дмитро Пєсков", "Дмитро Пєсков"),
        ("Президент Володимир Зеленський", "Володимир Зеленський"),
        ("Martin Luther King Jr.", "Martin Luther King"),
        ("Trump's", "Trump"),
        ("Jean-Claude Juncker", "Jean-Claude Juncker"),
    ] {
        assert_eq!(person_key(input).map(|k| k.name).as_deref(), Some(name), "{input}");
    }
    for not_a_name in ["", "the spokesman", "Kremlin", "officials", "President", "2025", "U.S."] {
        assert_eq!(person_key(not_a_name), None, "{not_a_name:?}");
    }
}

#[test]
fn spellings_are_lowercase_latin() {
    for (input, spelling) in [
        ("Дмитро Пєсков", "dmytro pieskov"),
        ("Дмитрий Песков", "dmitriy peskov"),
        ("Юрій Ушаков", "yurii ushakov"),
        ("Micheál Martin", "micheal martin"),
        ("Kremlin spokesman Dmitry Peskov", "dmitry peskov"),
        ("DMITRY PESKOV", "dmitry peskov"),
        ("Володимир Зеленський", "volodymyr zelenskyi"),
    ] {
        assert_eq!(
            person_key(input).map(|k| k.spelling).as_deref(),
            Some(spelling),
            "{input}"
        );
    }
}

#[test]
fn given_names_compatible() {
    for (a, b, ok) in [
        ("dmtr", "dmtr", true),
        ("d.", "dmtr", true),
        ("_.", "_lksndr", true),
        ("v.", "dmtr", false),
        ("mkl", "nkl", true),
        ("kstntn", "knstntn", true),
        ("ln", "ndr", false),
        ("d.", "v.", false),
    ] {
        assert_eq!(given_compatible(a, b), ok, "{a} / {b}");
    }
}

fn cand(id: u32, names: &[&str], local: bool) -> Candidate<u32> {
    Candidate {
        id,
        keys: names.iter().map(|n| person_key(n).expect("key")).collect(),
        local,
    }
}

#[test]
fn choosing_a_speaker() {
    let peskov = cand(1, &["Dmitry Peskov", "Дмитро Пєсков"], true);
    let lavrov = cand(2, &["Sergei Lavrov"], true);
    let k = |n: &str| person_key(n).expect("key");
    assert_eq!(choose(&k("Dmitriy Peskov"), &[peskov.clone(), lavrov.clone()]), Some(1));
    assert_eq!(choose(&k("Peskov"), &[peskov.clone(), lavrov.clone()]), Some(1));
    assert_eq!(choose(&k("Maria Zakharova"), &[peskov.clone(), lavrov.clone()]), None);
    // A surname alone only goes to someone quoted in this briefing.
    let far_peskov = cand(1, &["Dmitry Peskov"], false);
    assert_eq!(choose(&k("Peskov"), std::slice::from_ref(&far_peskov)), None);
    // … and to nobody when two share it.
    let other = cand(3, &["Elizaveta Peskova", "Ivan Peskov"], true);
    assert_eq!(choose(&k("Peskov"), &[peskov.clone(), other.clone()]), None);
    // Full names still tell them apart.
    assert_eq!(choose(&k("Ivan Peskov"), &[peskov.clone(), other.clone()]), Some(3));
    assert_eq!(choose(&k("Dmytro Pieskov"), &[peskov.clone(), other.clone()]), Some(1));
    // A full name joins the one speaker known only by the surname.
    let surname_only = cand(4, &["Yermak"], true);
    assert_eq!(
        choose(&k("Andriy Yermak"), std::slice::from_ref(&surname_only)),
        Some(4)
    );
    // … but not a speaker whose given name differs.
    let andriy = cand(5, &["Andriy Yermak", "Yermak"], true);
    assert_eq!(choose(&k("Olena Yermak"), std::slice::from_ref(&andriy)), None);
    // Two namesakes (an editor split them): the one in this briefing, else the exact spelling.
    let a = cand(6, &["Oleksandr Kovalenko"], false);
    let b = cand(7, &["Oleksandr Kovalenko"], true);
    assert_eq!(choose(&k("Alexander Kovalenko"), &[a.clone(), b.clone()]), Some(7));
    let b_far = cand(7, &["Alexander Kovalenko"], false);
    assert_eq!(
        choose(&k("Oleksandr Kovalenko"), &[a.clone(), b_far.clone()]),
        None,
        "same skeleton, ambiguous"
    );
    let c = cand(8, &["O. Kovalenko"], false);
    assert_eq!(
        choose(&k("Oleksandr Kovalenko"), &[a, c]),
        Some(6),
        "the identical given name wins"
    );
}
