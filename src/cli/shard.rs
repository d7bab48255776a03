//! `--shard K/N`: N runs that share nothing still check a tree exactly once between them.
//!
//! Each input belongs to one shard, chosen by a hash of its path that is the same on every
//! machine and in every version: [`fnv1a64`] (64-bit FNV-1a, the parameters of the FNV
//! reference) over the bytes of the path with `/` between components, taken modulo N; shard
//! K (1-based) takes the paths whose hash modulo N is K - 1. The path hashed is:
//!
//! - for a file found below a directory named on the command line or in `--files-from`, its
//!   path relative to that directory (`store/a/b.txt` under `store` hashes `a/b.txt`), so
//!   that machines which mount the tree at different places agree;
//! - for a path named itself, the path as named, without `.` components (`./a.txt` hashes
//!   `a.txt`).
//!
//! Paths that cannot be read (a missing file, a directory that cannot be listed) are sharded
//! the same way, so each one is reported by one shard only.

use std::path::{Component, Path, PathBuf};

/// One shard of N, `index` 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K - 1.
    pub index: u64,
    /// N.
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (1 <= K <= N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("'{text}' is not a shard: use K/N with 1 <= K <= N, such as 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { index: k - 1, count: n })
    }

    /// Whether the path whose key is `key` ([`key`]) is in this shard.
    pub fn holds(&self, key: &[u8]) -> bool {
        fnv1a64(key) % self.count == self.index
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index + 1, self.count)
    }
}

/// 64-bit FNV-1a: offset basis `cbf29ce484222325`, prime `100000001b3`; for each byte, XOR
/// then multiply (modulo 2^64).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The bytes hashed for `path`: relative to the first of `roots` (directories named) that
/// holds it, else the path as named; components joined with `/`, `.` components dropped.
pub fn key(path: &Path, roots: &[PathBuf]) -> Vec<u8> {
    let relative = roots
        .iter()
        .filter_map(|root| path.strip_prefix(root).ok())
        .find(|rest| !rest.as_os_str().is_empty())
        .unwrap_or(path);
    let mut key = Vec::new();
    for component in relative.components() {
        match component {
            Component::RootDir => key.push(b'/'),
            Component::CurDir | Component::Prefix(_) => continue,
            Component::ParentDir | Component::Normal(_) => {
                if !key.is_empty() && key.last() != Some(&b'/') {
                    key.push(b'/');
                }
                key.extend_from_slice(component.as_os_str().as_encoded_bytes());
            }
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_gives_the_reference_values() {
        // The test vectors published with the FNV reference code.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        // By hand: ("a" above) ^ 0x2f, times the prime, modulo 2^64.
        let after_a: u64 = 0xaf63dc4c8601ec8c;
        assert_eq!(fnv1a64(b"a/"), (after_a ^ 0x2f).wrapping_mul(0x100000001b3));
    }

    #[test]
    fn keys_are_relative_to_the_named_directory() {
        let roots = [PathBuf::from("store"), PathBuf::from("./other/")];
        assert_eq!(key(Path::new("store/a/b.txt"), &roots), b"a/b.txt");
        assert_eq!(key(Path::new("./other/x.txt"), &roots), b"x.txt");
        assert_eq!(key(Path::new("./named.txt"), &roots), b"named.txt");
        assert_eq!(key(Path::new("dir//./c.txt"), &roots), b"dir/c.txt");
        assert_eq!(key(Path::new("/abs/c.txt"), &[]), b"/abs/c.txt");
        assert_eq!(key(Path::new("../up.txt"), &[]), b"../up.txt");
    }

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 1, count: 8 }));
        assert_eq!(Shard::parse("1/1").map(|s| s.to_string()), Ok("1/1".to_string()));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "", "1/3/5"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // fnv1a64("a") = ...ec8c is even, so "a" is in shard 1 of 2.
        assert!(Shard::parse("1/2").unwrap().holds(b"a"));
        assert!(!Shard::parse("2/2").unwrap().holds(b"a"));
    }
}
