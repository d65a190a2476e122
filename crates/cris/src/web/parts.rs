//! Each capability's own state (the case status reports' cache, the lobby's hub, the scripts'
//! index, the IDENT link, the SMS provider's token), held by the shell by type without knowing
//! what is inside: the shell imports no capability, each capability reaches its part through an
//! accessor it writes itself (`impl AppState { fn lobby(&self) … }` beside its type).
//!
//! A part is made from its `Default` the first time it is asked for, or set while the state is
//! being configured (before it is shared). The slots are `OnceLock`s, so a lookup is a few atomic
//! loads and type comparisons, with no lock, and a part lives as long as the state.

use std::any::{Any, TypeId};
use std::sync::OnceLock;

/// Slots in one block; a further block follows when they are all taken.
const SLOTS: usize = 8;

/// One part: its type and its value.
struct Part {
    id: TypeId,
    value: Box<dyn Any + Send + Sync>,
}

/// The capabilities' parts of the application state.
#[derive(Default)]
pub struct Parts {
    slots: [OnceLock<Part>; SLOTS],
    more: OnceLock<Box<Parts>>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Parts({} held)", self.len())
    }
}

impl Parts {
    /// The part of type `T`, made from its default on first use. Two callers asking at once for
    /// the same new type get the same value: each slot is decided once, and every caller tries
    /// the slots in the same order.
    pub fn get<T: Any + Send + Sync + Default>(&self) -> &T {
        let id = TypeId::of::<T>();
        for slot in &self.slots {
            let part = slot.get_or_init(|| Part { id, value: Box::new(T::default()) });
            if part.id == id
                && let Some(value) = part.value.downcast_ref::<T>()
            {
                return value;
            }
        }
        self.more.get_or_init(Box::default).get::<T>()
    }

    /// Sets the part of type `T` (while the state is configured, before it is shared).
    pub fn set<T: Any + Send + Sync>(&mut self, value: T) {
        self.set_part(Part { id: TypeId::of::<T>(), value: Box::new(value) });
    }

    fn set_part(&mut self, part: Part) {
        for slot in &mut self.slots {
            match slot.get_mut() {
                Some(held) if held.id == part.id => {
                    *held = part;
                    return;
                }
                Some(_) => {}
                None => {
                    let _ = slot.set(part);
                    return;
                }
            }
        }
        let _ = self.more.get_or_init(Box::default);
        if let Some(more) = self.more.get_mut() {
            more.set_part(part);
        }
    }

    /// How many parts are held.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.get().is_some()).count() + self.more.get().map_or(0, |m| m.len())
    }

    /// Whether no part is held yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Cache(u32);

    #[derive(Default, Debug, PartialEq)]
    struct Hub(&'static str);

    #[test]
    fn a_part_is_made_once_and_kept_by_type() {
        let parts = Parts::default();
        assert!(parts.is_empty());
        assert_eq!(parts.get::<Cache>(), &Cache(0));
        assert_eq!(parts.get::<Hub>(), &Hub(""));
        assert!(std::ptr::eq(parts.get::<Cache>(), parts.get::<Cache>()));
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn a_set_part_replaces_the_default_and_blocks_grow() {
        let mut parts = Parts::default();
        parts.set(Hub("configured"));
        parts.set(Hub("again"));
        assert_eq!(parts.get::<Hub>(), &Hub("again"));
        // More types than one block holds: each still found, each once.
        macro_rules! kinds {
            ($($t:ident),*) => {$(
                #[derive(Default)]
                struct $t(u8);
                assert_eq!(parts.get::<$t>().0, 0);
            )*};
        }
        kinds!(A, B, C, D, E, F, G, H, I, J);
        parts.set(Cache(7));
        assert_eq!(parts.get::<Cache>(), &Cache(7));
        assert_eq!(parts.len(), 12);
    }
}
