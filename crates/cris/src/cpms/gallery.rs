//! The 1:N search's gallery in memory: every enrolled finger, by position, made ready for the
//! matcher (minutiae and the prefilter's local structure) once, not read and decoded from the
//! database for every partner's query. It follows the repository by a stamp (how many persons,
//! the highest id and that person's FIN) read before each search: new persons (an enrolment here
//! or in another process) are added; anything else (a purge, a rolled-back enrolment seen half,
//! the newest person purged and SQLite giving their id to the next) reloads it whole.
//! One for the application (an extension of ICTS's router, which takes partners' queries), owned
//! by cpms, read by its service.

use std::collections::BTreeMap;
use std::sync::Arc;

use fingerprint::matcher::Prepared;
use tokio::sync::RwLock;

use super::store;
use crate::kernel::db::{Db, DbError};

/// One finger position's enrolled fingers: the persons and their prepared fingers, in step.
#[derive(Debug, Clone, Default)]
pub struct Position {
    /// The person of each finger.
    pub persons: Vec<i64>,
    /// The fingers.
    pub fingers: Vec<Prepared>,
}

#[derive(Debug, Default)]
struct Loaded {
    /// The stamp the gallery holds; `None` before the first load.
    stamp: Option<store::GalleryStamp>,
    positions: BTreeMap<u8, Arc<Position>>,
}

/// The in-memory gallery.
#[derive(Debug, Default)]
pub struct Gallery {
    loaded: RwLock<Loaded>,
}

impl Gallery {
    /// The gallery of every finger position, current with the repository.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn current(&self, db: &Db) -> Result<BTreeMap<u8, Arc<Position>>, DbError> {
        let stamp = store::gallery_stamp(db).await?;
        {
            let loaded = self.loaded.read().await;
            if loaded.stamp.as_ref() == Some(&stamp) {
                return Ok(loaded.positions.clone());
            }
        }
        let mut loaded = self.loaded.write().await;
        if loaded.stamp.as_ref() != Some(&stamp) {
            let top = stamp.top;
            // Only additions since the last load: the person that was newest is still there
            // (SQLite reuses a purged newest id), and every new person has a higher id.
            let below = match &loaded.stamp {
                Some(was)
                    if top >= was.top
                        && store::fin_of(db, was.top).await? == was.top_fin
                        && store::persons_between(db, was.top, top).await? == stamp.count - was.count =>
                {
                    Some(was.top)
                }
                _ => None,
            };
            match below {
                Some(below) => add(&mut loaded.positions, store::fingers_between(db, below, top).await?).await,
                None => {
                    loaded.positions = BTreeMap::new();
                    add(&mut loaded.positions, store::fingers_between(db, 0, top).await?).await;
                }
            }
            loaded.stamp = Some(stamp);
        }
        Ok(loaded.positions.clone())
    }
}

/// Prepares fingers (CPU work, off the async workers) and appends them to their positions.
async fn add(positions: &mut BTreeMap<u8, Arc<Position>>, rows: Vec<(i64, super::model::Finger)>) {
    if rows.is_empty() {
        return;
    }
    let prepared = tokio::task::spawn_blocking(move || {
        rows.into_iter().map(|(person, f)| (f.position, person, Prepared::new(f.xyt()))).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    for (position, person, finger) in prepared {
        // A search holding the previous snapshot keeps it; the gallery goes on with a copy.
        let slot = Arc::make_mut(positions.entry(position).or_default());
        slot.persons.push(person);
        slot.fingers.push(finger);
    }
}
