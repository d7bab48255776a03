//! A generated tree of a few thousand files with defects known by construction, for the
//! shard, merge and Spark tests: clean GB 18030 and UTF-8 text, one defect of a known rule at
//! a known byte offset in most files, binary files (skipped), and two entries that cannot be
//! checked (a FIFO and a broken symbolic link).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// A finding expected by construction: path, rule id, byte offset.
pub type Expected = (String, &'static str, u64);

/// What was made.
pub struct DefectTree {
    /// The tree's root.
    pub root: PathBuf,
    /// Every entry made, sorted: files, the FIFO and the broken link.
    pub entries: Vec<PathBuf>,
    /// The findings a check must give.
    pub expected: BTreeSet<Expected>,
    /// Files that are text (checked).
    pub text_files: u64,
    /// Files with a NUL byte (skipped).
    pub binary_files: u64,
    /// Entries that cannot be checked.
    pub unreadable: u64,
}

/// `中文` in GB 18030 and in UTF-8.
const ZHONGWEN_GB: &[u8] = b"\xD6\xD0\xCE\xC4";
const ZHONGWEN_UTF8: &[u8] = "中文".as_bytes();

/// One file's bytes, and its defect as (rule, offset), for file number `i`.
fn file(i: usize) -> (Vec<u8>, Option<(&'static str, u64)>) {
    let mut bytes = format!("line {i} ").into_bytes();
    let at = |bytes: &Vec<u8>| bytes.len() as u64;
    let defect = match i % 11 {
        // Clean GB 18030 (not UTF-8: D6 D0 is no UTF-8 sequence) and clean UTF-8.
        0 => {
            bytes.extend_from_slice(ZHONGWEN_GB);
            None
        }
        1 => {
            bytes.extend_from_slice(ZHONGWEN_UTF8);
            None
        }
        // FF can never start a GB 18030 character.
        2 => {
            bytes.extend_from_slice(ZHONGWEN_GB);
            bytes.push(b' ');
            let at = at(&bytes);
            bytes.extend_from_slice(b"\xFF bad");
            Some(("GB001", at))
        }
        // The file ends after a lead byte (no newline after it).
        3 => {
            bytes.extend_from_slice(ZHONGWEN_GB);
            let at = at(&bytes);
            bytes.push(0x81);
            return (bytes, Some(("GB002", at)));
        }
        // 84 31 A5 30: the first reserved four-byte code.
        4 => {
            let at = at(&bytes);
            bytes.extend_from_slice(b"\x84\x31\xA5\x30");
            Some(("GB003", at))
        }
        // AA A1 is U+E000, the first private-use character.
        5 => {
            let at = at(&bytes);
            bytes.extend_from_slice(b"\xAA\xA1 ");
            bytes.extend_from_slice(ZHONGWEN_GB);
            Some(("GB007", at))
        }
        // A C0 control in ASCII text.
        6 => {
            let at = at(&bytes);
            bytes.extend_from_slice(b"\x01 ok");
            Some(("GB012", at))
        }
        // A UTF-8 byte order mark at the start.
        7 => {
            let mut with_bom = b"\xEF\xBB\xBF".to_vec();
            with_bom.extend_from_slice(&bytes);
            with_bom.extend_from_slice(ZHONGWEN_UTF8);
            with_bom.push(b'\n');
            return (with_bom, Some(("GB011", 0)));
        }
        // U+FFFD in UTF-8 text.
        8 => {
            bytes.extend_from_slice(ZHONGWEN_UTF8);
            bytes.push(b' ');
            let at = at(&bytes);
            bytes.extend_from_slice("\u{FFFD}".as_bytes());
            Some(("GB013", at))
        }
        // "浣犲ソ": the UTF-8 of 你好 read as GBK, in a UTF-8 file.
        9 => {
            bytes.extend_from_slice(ZHONGWEN_UTF8);
            bytes.push(b' ');
            let at = at(&bytes);
            bytes.extend_from_slice("浣犲ソ".as_bytes());
            Some(("GB009", at))
        }
        // The same run in a GB 18030 file (its bytes E4BD A0E5 A5BD are the UTF-8 of 你好).
        _ => {
            bytes.extend_from_slice(ZHONGWEN_GB);
            bytes.push(b' ');
            let at = at(&bytes);
            bytes.extend_from_slice(b"\xE4\xBD\xA0\xE5\xA5\xBD");
            Some(("GB009", at))
        }
    };
    bytes.push(b'\n');
    (bytes, defect)
}

impl DefectTree {
    /// Makes `files` files (every 400th binary) under `root`, in nested directories.
    pub fn make(root: &Path, files: usize) -> DefectTree {
        let mut tree = DefectTree {
            root: root.to_path_buf(),
            entries: Vec::new(),
            expected: BTreeSet::new(),
            text_files: 0,
            binary_files: 0,
            unreadable: 0,
        };
        for i in 0..files {
            let dir = root.join(format!("d{:02}", i % 23)).join(format!("s{}", i % 3));
            fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("f{i}.txt"));
            if i % 400 == 399 {
                fs::write(&path, format!("blob {i}\0\x01\x02").as_bytes()).unwrap();
                tree.binary_files += 1;
            } else {
                let (bytes, defect) = file(i);
                fs::write(&path, bytes).unwrap();
                tree.text_files += 1;
                if let Some((rule, offset)) = defect {
                    tree.expected.insert((path.to_str().unwrap().to_string(), rule, offset));
                }
            }
            tree.entries.push(path);
        }
        let fifo = root.join("d00/fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success(), "mkfifo");
        let link = root.join("d01/broken-link.txt");
        std::os::unix::fs::symlink(root.join("no-such-file"), &link).unwrap();
        tree.entries.extend([fifo, link]);
        tree.unreadable = 2;
        tree.entries.sort();
        tree
    }
}
