//! The input file's SHA-256, computed while it is parsed: [`HashingReader`]
//! hands the bytes it reads to a hashing thread, so the file's identity
//! (what an import and an evidence export cite) costs the parse no time.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use super::{ImportError, SourceFile};

/// A reader over the input file that hashes and counts every byte it hands
/// out, so the file's SHA-256 comes for free with a streaming parse. The
/// hashing runs on its own thread (the bytes are handed over in chunks, at
/// most 16 in flight), so it costs the parse no time on a multi-core machine.
pub struct HashingReader<R> {
    inner: R,
    chunks: Option<mpsc::SyncSender<Vec<u8>>>,
    hasher: Option<std::thread::JoinHandle<[u8; 32]>>,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        let (chunks, received) = mpsc::sync_channel::<Vec<u8>>(16);
        let hasher = std::thread::spawn(move || {
            let mut h = Sha256::new();
            for chunk in received {
                h.update(&chunk);
            }
            h.finalize().into()
        });
        HashingReader {
            inner,
            chunks: Some(chunks),
            hasher: Some(hasher),
            bytes: 0,
        }
    }

    /// Reads whatever the parser left unread and returns (SHA-256 hex, size).
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        drop(self.chunks.take());
        let digest = self
            .hasher
            .take()
            .and_then(|h| h.join().ok())
            .ok_or_else(|| io::Error::other("the hashing thread failed"))?;
        Ok((hex(&digest), self.bytes))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let chunk = buf.get(..n).unwrap_or_default().to_vec();
            self.chunks
                .as_ref()
                .ok_or_else(|| io::Error::other("read after finish"))?
                .send(chunk)
                .map_err(|_| io::Error::other("the hashing thread stopped"))?;
            self.bytes += n as u64;
        }
        Ok(n)
    }
}

/// Lower-case hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of a whole file, streamed.
pub fn sha256_file(path: &Path) -> Result<(String, u64), ImportError> {
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    HashingReader::new(file)
        .finish()
        .map_err(|e| ImportError::io(path, &e))
}

/// Completes the SHA-256 of a streamed file after the parser is done.
pub fn finish_hash<R: Read>(
    path: &Path,
    reader: BufReader<HashingReader<R>>,
) -> Result<SourceFile, ImportError> {
    // Bytes already buffered were hashed when they were read.
    let (sha256, size) = reader
        .into_inner()
        .finish()
        .map_err(|e| ImportError::io(path, &e))?;
    Ok(SourceFile {
        sha256,
        size,
        zone: None,
        declared: None,
    })
}
