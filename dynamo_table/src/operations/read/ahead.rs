//! Pages fetched one ahead: as soon as a page arrives, the request for the next one goes out
//! on its own task, so that it travels while the consumer works through the page. At most one
//! request is ahead, so memory holds two pages. Dropping the stream cancels it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;
use futures::future::BoxFuture;

use super::page::RawPage;
use crate::codec::key::Item as Key;
use crate::error::{Error, Result};

/// What pages come from: a read, fully described.
pub(crate) trait PageSource: Send + Sync + 'static {
    /// The request for the page that starts after `start`.
    fn fetch_page(self: Arc<Self>, start: Option<Key>) -> BoxFuture<'static, Result<RawPage>>;
}

/// The request for one page: on a task of its own (fetching ahead), or polled with the stream.
enum Request {
    Ahead(tokio::task::JoinHandle<Result<RawPage>>),
    Inline(BoxFuture<'static, Result<RawPage>>),
}

impl Drop for Request {
    fn drop(&mut self) {
        if let Request::Ahead(task) = self {
            task.abort();
        }
    }
}

/// The raw pages of a read, in order, each next one requested as soon as the one before it
/// arrives (when `ahead` is set and a Tokio runtime runs the stream; otherwise when it is
/// asked for). `Unpin`: usable with `while let Some(x) = stream.next().await` as it is.
pub(crate) struct PagesAhead<R> {
    read: Arc<R>,
    request: Option<Request>,
    ahead: bool,
}

impl<R: PageSource> PagesAhead<R> {
    /// The pages of `read` (already checked) from `start`.
    pub(crate) fn new(read: R, start: Option<Key>, ahead: bool) -> Self {
        let read = Arc::new(read);
        let request = Some(Request::Inline(Arc::clone(&read).fetch_page(start)));
        PagesAhead {
            read,
            request,
            ahead,
        }
    }

    /// The read the pages come from, to decode them.
    pub(crate) fn shared_read(&self) -> Arc<R> {
        Arc::clone(&self.read)
    }

    /// Sends the request for the page that starts after `key`.
    fn request_after(&self, key: Key) -> Request {
        let request = Arc::clone(&self.read).fetch_page(Some(key));
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) if self.ahead => Request::Ahead(runtime.spawn(request)),
            _ => Request::Inline(request),
        }
    }
}

impl<R: PageSource> Stream for PagesAhead<R> {
    type Item = Result<RawPage>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(request) = &mut this.request else {
            return Poll::Ready(None);
        };
        let page = match request {
            Request::Inline(future) => futures::ready!(future.as_mut().poll(cx)),
            Request::Ahead(task) => match futures::ready!(Pin::new(task).poll(cx)) {
                Ok(page) => page,
                // A panic of the request: pass it on.
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                // Cancelled under the stream (its runtime shut down): never a silent end.
                Err(e) => Err(Error::Config {
                    message: "the request for the next page was cancelled, its Tokio runtime \
                              shutting down: read on from the last page's cursor on a running \
                              runtime, or turn `fetch_ahead` off"
                        .to_owned(),
                    source: Some(Box::new(e)),
                }),
            },
        };
        this.request = match &page {
            Ok(raw) => raw.last_key.clone().map(|key| this.request_after(key)),
            Err(_) => None,
        };
        Poll::Ready(Some(page))
    }
}
