//! A map that keeps what was used recently, bounded without scans: two generations. New and used
//! keys live in the young one; when it is full it becomes the old one and the previous old one
//! goes. A key used again while old moves back to the young one, so what stays in use stays, and
//! what was not used for a whole generation is forgotten. Every operation is O(1); the retired
//! generation is handed back to be dropped outside the caller's lock.
//!
//! (Issue 18: the rate limiter scanned all its keys on every request once it held 100,000, and the
//! report cache emptied itself whole under its lock; under lookups from a national public both
//! happen within seconds.)

use std::collections::HashMap;

/// Keys recently used, at most twice `generation` of them.
#[derive(Debug)]
pub struct Recent<V> {
    young: HashMap<String, V>,
    old: HashMap<String, V>,
    generation: usize,
}

/// A retired generation: drop it after releasing the lock the map is held under.
pub type Retired<V> = Option<HashMap<String, V>>;

impl<V> Recent<V> {
    /// A map keeping at most `2 * generation` keys.
    pub fn new(generation: usize) -> Recent<V> {
        Recent { young: HashMap::new(), old: HashMap::new(), generation: generation.max(1) }
    }

    /// The value of `key`, moved back among the young if it was old.
    pub fn get_mut(&mut self, key: &str) -> (Option<&mut V>, Retired<V>) {
        if self.young.contains_key(key) {
            return (self.young.get_mut(key), None);
        }
        match self.old.remove_entry(key) {
            Some((key, value)) => self.insert(key, value),
            None => (None, None),
        }
    }

    /// Keeps `value` for `key` among the young.
    pub fn insert(&mut self, key: String, value: V) -> (Option<&mut V>, Retired<V>) {
        let retired = if self.young.len() >= self.generation && !self.young.contains_key(&key) {
            let young = std::mem::take(&mut self.young);
            Some(std::mem::replace(&mut self.old, young))
        } else {
            None
        };
        let value = self.young.entry(key).insert_entry(value).into_mut();
        (Some(value), retired)
    }

    /// Forgets `key`.
    pub fn remove(&mut self, key: &str) {
        self.young.remove(key);
        self.old.remove(key);
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.young.len() + self.old.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_use_stay_and_idle_ones_go_within_the_bound() {
        let mut m = Recent::new(3);
        for k in ["a", "b", "c"] {
            m.insert(k.to_owned(), 0);
        }
        // "d" starts a new generation: a, b, c are old now.
        assert!(m.insert("d".to_owned(), 0).1.is_some_and(|old| old.is_empty()));
        // "a" is used again: back among the young.
        *m.get_mut("a").0.unwrap() += 1;
        m.insert("e".to_owned(), 0);
        // Young is full (d, a, e): "f" retires the old generation (b, c), never used since.
        let retired = m.insert("f".to_owned(), 0).1.unwrap();
        let mut gone: Vec<_> = retired.into_keys().collect();
        gone.sort();
        assert_eq!(gone, ["b", "c"]);
        assert_eq!(*m.get_mut("a").0.unwrap(), 1, "a key in use keeps its value");
        assert!(m.get_mut("b").0.is_none());
        assert!(m.len() <= 6);
        m.remove("a");
        assert!(m.get_mut("a").0.is_none());
    }
}
