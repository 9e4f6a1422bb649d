//! Where canonical bytes go: the public [`Sink`], and the staging buffer that
//! turns the walk's many short writes into few long ones.

/// Where canonical bytes go.
pub trait Sink {
    /// Appends `bytes` to the output.
    fn write(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn write(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Where the walk writes: a sink directly, or through the staging buffer,
/// which also hears where the nested element's bytes start and stop.
pub(super) trait Output {
    fn write(&mut self, bytes: &[u8]);
    /// Several short pieces at once (one capacity check instead of one per piece).
    #[inline]
    fn write_parts<const N: usize>(&mut self, parts: [&[u8]; N]) {
        for part in parts {
            self.write(part);
        }
    }
    /// The nested element's bytes start (`true`) or pause/stop (`false`) here.
    fn nested(&mut self, on: bool);
}

/// Straight into a sink: for a vector, which is its own buffer.
pub(super) struct Plain<'s, S: Sink + ?Sized>(pub(super) &'s mut S);

impl<S: Sink + ?Sized> Output for Plain<'_, S> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    #[inline]
    fn nested(&mut self, _on: bool) {}
}

/// Bytes staged in one buffer and handed on in large pieces: to `main` all of
/// them, to `nested` (the one-pass nested form) the ranges the walk switches
/// on. A digest then sees few `update` calls instead of one per name or quote.
pub(super) struct Staged<'s, Main: Sink + ?Sized, Nested: Sink + ?Sized> {
    main: &'s mut Main,
    nested: Option<&'s mut Nested>,
    buffer: [u8; 2048],
    len: usize,
    /// Where in the buffer the nested sink's current range began.
    nested_from: Option<usize>,
}

impl<'s, Main: Sink + ?Sized, Nested: Sink + ?Sized> Staged<'s, Main, Nested> {
    pub(super) fn new(main: &'s mut Main, nested: Option<&'s mut Nested>) -> Self {
        Self { main, nested, buffer: [0; 2048], len: 0, nested_from: None }
    }

    /// Feeds the nested sink the buffered bytes of its current range.
    fn feed_nested(&mut self, from: usize) {
        if let Some(nested) = &mut self.nested {
            nested.write(&self.buffer[from..self.len]);
        }
    }

    fn flush(&mut self) {
        if let Some(from) = self.nested_from {
            self.feed_nested(from);
            self.nested_from = Some(0);
        }
        self.main.write(&self.buffer[..self.len]);
        self.len = 0;
    }

    /// Hands on what is still buffered.
    pub(super) fn finish(mut self) {
        self.flush();
    }
}

impl<Main: Sink + ?Sized, Nested: Sink + ?Sized> Output for Staged<'_, Main, Nested> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > self.buffer.len() {
            self.flush();
            if bytes.len() >= self.buffer.len() {
                self.main.write(bytes);
                if let (Some(nested), Some(_)) = (&mut self.nested, self.nested_from) {
                    nested.write(bytes);
                }
                return;
            }
        }
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    #[inline(always)]
    fn write_parts<const N: usize>(&mut self, parts: [&[u8]; N]) {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if self.len + total > self.buffer.len() {
            for part in parts {
                self.write(part);
            }
            return;
        }
        for part in parts {
            self.buffer[self.len..self.len + part.len()].copy_from_slice(part);
            self.len += part.len();
        }
    }

    fn nested(&mut self, on: bool) {
        match (on, self.nested_from) {
            (true, None) => self.nested_from = Some(self.len),
            (false, Some(from)) => {
                self.feed_nested(from);
                self.nested_from = None;
            }
            _ => {}
        }
    }
}
