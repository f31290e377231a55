//! Opening the files an import reads with care: only regular files (a FIFO
//! would block forever, `/dev/zero` never ends), and small side files with
//! a size bound.

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use super::ImportError;

/// The metadata of `path` (symlinks followed) when it is a regular file;
/// otherwise an error saying what was found instead.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io(path, &e))?;
    if meta.is_file() {
        return Ok(meta);
    }
    if meta.is_dir() {
        return Err(ImportError::new(path, "is a directory, not an export file")
            .hint("name the export file inside it"));
    }
    Err(ImportError::new(
        path,
        format!("is not a regular file but {}", file_kind(&meta)),
    )
    .hint("copy the export to a regular file and import that"))
}

/// What a non-regular file is, in words.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "a special file"
}

/// The largest small side file optout reads whole (an iPhone backup's
/// `Manifest.plist`, typically a few kB to a few hundred kB): 16 MiB.
pub const MAX_SIDE_FILE: u64 = 16 * 1024 * 1024;

/// Reads a small side file whole, refusing a special file or one larger
/// than `max` bytes (read with the bound even if the file grows meanwhile).
pub fn read_small(path: &Path, max: u64) -> Result<Vec<u8>, ImportError> {
    let meta = regular_file(path)?;
    if meta.len() > max {
        return Err(ImportError::new(
            path,
            format!(
                "is {} bytes, more than the {max} a file of this kind can be",
                meta.len()
            ),
        ));
    }
    let file = File::open(path).map_err(|e| ImportError::io(path, &e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::io(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(ImportError::new(
            path,
            format!("grew past {max} bytes while being read"),
        ));
    }
    Ok(bytes)
}

/// `Read::read` for a reader whose real work is in `BufRead::fill_buf`
/// (the importers' guards): copies what `fill_buf` offers and consumes it.
pub fn read_buffered(r: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let available = r.fill_buf()?;
    let n = available.len().min(buf.len());
    buf.get_mut(..n)
        .unwrap_or_default()
        .copy_from_slice(available.get(..n).unwrap_or_default());
    r.consume(n);
    Ok(n)
}
