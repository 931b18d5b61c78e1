//! A batch get's key slot: the key map sits here until a call takes it, and DynamoDB's
//! unprocessed copy comes back here for the next call.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::Result;

/// One request, until a call takes it.
#[derive(Debug)]
pub(crate) struct Slot<R>(Mutex<Option<R>>);

impl<R> Slot<R> {
    /// A slot holding `request` (`None`: built when its first call is sent).
    pub(crate) fn new(request: Option<R>) -> Self {
        Slot(Mutex::new(request))
    }

    fn lock(&self) -> MutexGuard<'_, Option<R>> {
        // A panic elsewhere while holding it leaves the request as it was: still usable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The request for a call, moved out; built by `build` when a call already took it (or it
    /// was never built).
    pub(crate) fn take_or(&self, build: impl FnOnce() -> Result<R>) -> Result<R> {
        let taken = self.lock().take();
        match taken {
            Some(request) => Ok(request),
            None => build(),
        }
    }

    /// Puts the request back (DynamoDB's unprocessed copy), for the next call.
    pub(crate) fn put_back(&self, request: R) {
        *self.lock() = Some(request);
    }
}
