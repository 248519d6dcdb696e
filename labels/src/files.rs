//! Reading inputs and writing outputs: `-` is stdin or stdout, and every file is written
//! atomically (a temporary file in the same folder, synced, then renamed), so that an
//! interrupted run never leaves a half-written file.

use crate::failure::{Failure, Result};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| Failure::read(path, &e))?;
        return Ok(buf);
    }
    fs::read(path).map_err(|e| Failure::read(path, &e))
}

pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).map_err(|_| Failure::input(format!("{} is not UTF-8 text", path.display())))
}

/// Writes `bytes` to `path` atomically; `-` writes to stdout.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_mode(path, bytes, None)
}

/// Like [`write`], with Unix permissions set before the content is written.
pub fn write_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return out.write_all(bytes).and_then(|_| out.flush()).map_err(|e| Failure::output(path, &e));
    }
    let tmp = temporary(path);
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Failure::output(path, &e)
    })
}

fn temporary(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

/// Refuses to replace an existing `path` (which holds `what`) unless `force` is given.
pub fn refuse_overwrite(path: &Path, force: bool, what: &str) -> Result<()> {
    if !force && path != Path::new("-") && path.exists() {
        return Err(Failure::refused(format!("{} already exists and holds {what}: give --force to replace it", path.display())));
    }
    Ok(())
}

pub fn create_dir(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| Failure::output(path, &e))
}

/// Removes the temporary files an interrupted run left in `dir` (see [`write`]).
pub fn remove_partials(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".partial") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Writes many files into `dir`, each atomically (a temporary file renamed into place),
/// and returns once all of them are durably on disk: one file-system sync for the lot on
/// Linux (`syncfs`), instead of one `fsync` per file (about 2 ms each here, the better
/// part of a batch's time). Until it returns, a power cut may leave any of them damaged:
/// callers journal the files only afterwards, and remake what is not journaled.
pub fn write_all_durably(dir: &Path, outputs: &[&(PathBuf, Vec<u8>)]) -> Result<()> {
    use rayon::prelude::*;
    outputs.par_iter().try_for_each(|(path, bytes)| {
        let tmp = temporary(path);
        let result = (|| {
            let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(bytes)?;
            #[cfg(not(target_os = "linux"))]
            file.sync_all()?;
            fs::rename(&tmp, path)
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Failure::output(path, &e)
        })
    })?;
    sync_dir(dir)
}

/// Flushes the file system holding `dir` (Linux) or the folder itself (elsewhere).
fn sync_dir(dir: &Path) -> Result<()> {
    let folder = fs::File::open(dir).map_err(|e| Failure::output(dir, &e))?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `folder` is an open descriptor for the duration of the call.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(Failure::output(dir, &std::io::Error::last_os_error()));
        }
    }
    folder.sync_all().map_err(|e| Failure::output(dir, &e))
}
