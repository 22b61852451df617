//! Which known names a mistyped word may have meant, for "did you mean" fixes.

use crate::rules::helpers::buildkit_compat::levenshtein;

/// How many typing mistakes turn `a` into `b`: the Levenshtein distance, except that two
/// swapped neighbouring characters (`RNU` for `RUN`) count as one mistake.
pub(crate) fn typo_distance(a: &str, b: &str) -> usize {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x.len() == y.len() {
        let differ: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
        if let [i, j] = differ[..] {
            if j == i + 1 && x[i] == y[j] && x[j] == y[i] {
                return 1;
            }
        }
    }
    levenshtein(a, b)
}

/// The options one or two mistakes away from `value`, closest first; options equally close
/// keep their order. Case is compared apart: an option that differs from `value` in case
/// only comes first.
pub(crate) fn close_matches<'o>(
    value: &str,
    options: impl IntoIterator<Item = &'o str>,
) -> Vec<&'o str> {
    let lower = value.to_lowercase();
    let mut close: Vec<(usize, &str)> = options
        .into_iter()
        .filter(|option| *option != value)
        .map(|option| (typo_distance(&lower, &option.to_lowercase()), option))
        .filter(|(distance, _)| *distance <= 2)
        .collect();
    close.sort_by_key(|(distance, _)| *distance);
    close.into_iter().map(|(_, option)| option).collect()
}

#[cfg(test)]
mod tests {
    use super::{close_matches, typo_distance};

    #[test]
    fn typos() {
        assert_eq!(typo_distance("RNU", "RUN"), 1);
        assert_eq!(typo_distance("TREM", "TERM"), 1);
        assert_eq!(typo_distance("RUNN", "RUN"), 1);
        assert_eq!(typo_distance("ab", "ba"), 1);
        assert_eq!(typo_distance("abc", "cba"), 2);
        assert_eq!(close_matches("rnu", ["ENV", "RUN"]), ["RUN", "ENV"]);
        assert_eq!(close_matches("RUN", ["RUN"]), Vec::<&str>::new());
        assert_eq!(close_matches("CHOWN", ["chmod", "chown"]), ["chown"]);
        assert_eq!(close_matches("xyzzy", ["RUN"]), Vec::<&str>::new());
    }
}
