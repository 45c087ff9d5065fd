//! Parallel work over a list with results handed on in input order, as soon as
//! they can be: the batch runner of `check`, `score` and `eval`.
//!
//! Workers on the rayon pool take the next item from a shared counter, so no core
//! waits for a slower one at a batch boundary; the calling thread receives the
//! results and passes them on in input order. A window bounds how far the workers
//! may run ahead of the item passed on last, so memory does not grow with the
//! number of items.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

/// Runs `work` on every item in parallel and calls `sink` with the results in
/// input order, on the calling thread. At most `window` results exist at a time
/// (finished and waiting for their turn, or being computed).
///
/// When `sink` fails, no new item is started and its error is returned once the
/// items already under way are done.
pub fn for_each_ordered<T, R, E>(
    items: &[T],
    window: usize,
    work: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    // One file (a drafter's save, an editor's lint-on-save): spawning a thread
    // and a pool for it costs more than the lint itself.
    if items.len() <= 1 {
        return items.iter().try_for_each(|item| sink(work(item)));
    }
    let window = window.max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let passed_on = Progress::default();
    let workers = rayon::current_num_threads().clamp(1, items.len().max(1));
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            rayon::broadcast(|ctx| {
                if ctx.index() >= workers {
                    return;
                }
                let tx = tx.clone();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() || !passed_on.wait_below(i, window, &stop) {
                        break;
                    }
                    if tx.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
            // The receiver's loop ends when the last sender is gone.
            drop(tx);
        });

        // Finished results wait in a ring of `window` slots: item i in slot i % window.
        let mut ring: Vec<Option<R>> = (0..window).map(|_| None).collect();
        let mut done = 0;
        let mut outcome = Ok(());
        for (i, result) in rx {
            ring[i % window] = Some(result);
            while let Some(result) = ring[done % window].take() {
                if outcome.is_ok()
                    && let Err(e) = sink(result)
                {
                    outcome = Err(e);
                    stop.store(true, Ordering::Relaxed);
                }
                done += 1;
                passed_on.advance(done);
            }
        }
        outcome
    })
}

/// How many results have been passed on, for workers waiting for room in the
/// window.
#[derive(Default)]
struct Progress {
    done: AtomicUsize,
    lock: Mutex<()>,
    moved: Condvar,
}

impl Progress {
    /// Waits until item `i` fits in the window; false when the run was stopped.
    fn wait_below(&self, i: usize, window: usize, stop: &AtomicBool) -> bool {
        // The common case takes no lock: the window is wide enough that workers
        // rarely catch up with the slowest item.
        while i >= self.done.load(Ordering::Acquire) + window {
            let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            if i >= self.done.load(Ordering::Acquire) + window {
                drop(self.moved.wait(guard).unwrap_or_else(|e| e.into_inner()));
            }
        }
        !stop.load(Ordering::Relaxed)
    }

    fn advance(&self, done: usize) {
        self.done.store(done, Ordering::Release);
        // Taking the lock orders this store before a waiter's re-check, so no
        // wake-up is lost between its check and its wait.
        drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()));
        self.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_single_item_is_worked_on_the_calling_thread() {
        let caller = std::thread::current().id();
        let mut seen = Vec::new();
        for_each_ordered(
            &[7],
            4,
            |&x| (x * 2, std::thread::current().id()),
            |r| -> Result<(), ()> {
                seen.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, vec![(14, caller)]);
        // And nothing at all for no items.
        let mut none = 0;
        for_each_ordered(
            &[] as &[u8],
            4,
            |_| 0,
            |_| -> Result<(), ()> {
                none += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(none, 0);
    }

    #[test]
    fn results_come_in_input_order() {
        let items: Vec<usize> = (0..1000).collect();
        let mut seen = Vec::new();
        for_each_ordered(
            &items,
            8,
            |&x| {
                // Uneven work, so that workers finish out of order.
                if x % 7 == 0 {
                    std::thread::yield_now();
                }
                x * 2
            },
            |r| {
                seen.push(r);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn workers_stay_within_the_window() {
        let items: Vec<usize> = (0..500).collect();
        let window = 4;
        let started = AtomicUsize::new(0);
        let mut passed = 0;
        for_each_ordered(
            &items,
            window,
            |&x| {
                started.fetch_max(x, Ordering::SeqCst);
                x
            },
            |x| {
                // Nothing beyond the window was started before this result
                // was passed on.
                assert!(started.load(Ordering::SeqCst) < passed + window);
                assert_eq!(x, passed);
                passed += 1;
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(passed, items.len());
    }

    #[test]
    fn a_failing_sink_stops_the_run() {
        let items: Vec<usize> = (0..10_000).collect();
        let worked = AtomicUsize::new(0);
        let mut passed = 0;
        let r = for_each_ordered(
            &items,
            16,
            |&x| {
                worked.fetch_add(1, Ordering::SeqCst);
                x
            },
            |x| {
                passed += 1;
                if x == 10 { Err("closed") } else { Ok(()) }
            },
        );
        assert_eq!(r, Err("closed"));
        assert_eq!(passed, 11, "nothing is passed on after the failure");
        // Only what was under way in the window when it failed was worked on.
        assert!(worked.load(Ordering::SeqCst) <= 11 + 16);
    }

    #[test]
    fn no_items_and_a_window_of_one() {
        let mut calls = 0;
        for_each_ordered(
            &[] as &[u8],
            4,
            |_| 0,
            |_: i32| {
                calls += 1;
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(calls, 0);
        let mut seen = Vec::new();
        for_each_ordered(
            &[3, 1, 2],
            1,
            |&x| x,
            |x| {
                seen.push(x);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, [3, 1, 2]);
    }
}
