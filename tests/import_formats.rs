//! The export formats beyond SMS Backup & Restore (issue 7): one fixture per
//! format and per quirk under `tests/fixtures/<format>/`, `SQLite` databases
//! built here from committed `.sql` files, ZIPs built here with the zip
//! crate, and the real files in the shared data (`../shared/data`, or
//! `$OPTOUT_SHARED_DATA`) when they are present.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use optout::classify::{Classifier, Region};
use optout::import::{
    self, Channel, Direction, Format, ImportError, ImportOptions, ImportedMessage, MessageSink,
    Position, SourceFile,
};
use optout::store::Store;
use tempfile::TempDir;

mod common;
use common::shared_data;

/// 2026-03-09T12:11:40Z, the moment most fixtures start at.
const T0: i64 = 1_773_058_300_000;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn shanghai() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()
}

fn options_in(zone: jiff::tz::TimeZone) -> ImportOptions {
    ImportOptions {
        zone,
        ..ImportOptions::default()
    }
}

/// Builds a `SQLite` database at `dir/name` from a committed `.sql` fixture.
fn build_db(dir: &Path, name: &str, sql_fixture: &str) -> PathBuf {
    let path = dir.join(name);
    let sql = fs::read_to_string(fixture(sql_fixture)).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&sql).unwrap();
    drop(conn);
    path
}

/// Builds a ZIP at `path` holding the given (name, bytes) entries.
fn build_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Everything an importer pushed.
#[derive(Default, Debug)]
struct Collected {
    messages: Vec<ImportedMessage>,
    undelivered: u64,
    rejected: Vec<(Option<Position>, String)>,
}

impl MessageSink for Collected {
    fn message(&mut self, msg: ImportedMessage) -> Result<(), ImportError> {
        self.messages.push(msg);
        Ok(())
    }
    fn skipped_undelivered(&mut self) {
        self.undelivered += 1;
    }
    fn rejected(&mut self, position: Option<Position>, reason: String) {
        self.rejected.push((position, reason));
    }
}

/// Detects the format of `path` and reads it through the library API.
fn read(
    path: &Path,
    options: &ImportOptions,
) -> Result<(Format, SourceFile, Collected), ImportError> {
    let format = match options.format {
        Some(f) => f,
        None => import::detect_with(path, options)?,
    };
    let mut sink = Collected::default();
    let source = import::read_file(path, format, options, &mut sink, &())?;
    Ok((format, source, sink))
}

fn read_ok(path: &Path, options: &ImportOptions) -> (Format, SourceFile, Collected) {
    read(path, options).unwrap_or_else(|e| panic!("{e}"))
}

fn msg(
    direction: Direction,
    address: &str,
    timestamp_ms: i64,
    body: &str,
    channel: Channel,
) -> ImportedMessage {
    ImportedMessage {
        direction,
        address: address.to_string(),
        timestamp_ms,
        utc_offset_s: None,
        body: body.to_string(),
        channel,
        contact_name: None,
        hint: None,
    }
}

fn optout(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("optout").unwrap();
    cmd.arg("--db")
        .arg(db)
        .env_remove("OPTOUT_TZ")
        .arg("--tz")
        .arg("UTC");
    cmd
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn sha256(path: &Path) -> String {
    import::sha256_file(path).unwrap().0
}

// ---------------------------------------------------------------- iOS / macOS

#[test]
fn ios_sms_db_happy_path() {
    let dir = TempDir::new().unwrap();
    let db = build_db(dir.path(), "sms.db", "ios-db/ios16.sql");
    let before = sha256(&db);
    let (format, source, got) = read_ok(&db, &ImportOptions::default());
    assert_eq!(format, Format::IosDb);
    assert_eq!(source.sha256, before);
    assert_eq!(source.size, fs::metadata(&db).unwrap().len());
    assert_eq!(source.zone, None);
    let t = |s: i64| T0 + s * 1000;
    let mut promo = msg(
        Direction::Incoming,
        "40404",
        t(0),
        "【Shop】Spring sale 🌸 30% off. Reply STOP to opt out",
        Channel::Sms,
    );
    promo.hint = Some("promotion".into());
    let mut spam = msg(
        Direction::Incoming,
        "friend@example.com",
        t(170),
        "You won a prize, click here",
        Channel::IMessage,
    );
    spam.hint = Some("junk".into());
    assert_eq!(
        got.messages,
        vec![
            promo,
            msg(Direction::Outgoing, "40404", t(60), "STOP", Channel::Sms),
            msg(
                Direction::Incoming,
                "40404",
                t(120),
                "Flash sale 🎉 50% off today only. Reply STOP to opt out",
                Channel::Sms
            ),
            msg(
                Direction::Outgoing,
                "+8613800138000~friend@example.com",
                t(160),
                "Who is in for dinner?",
                Channel::IMessage
            ),
            spam,
            msg(
                Direction::Incoming,
                "+8613800138000",
                t(180),
                "",
                Channel::IMessage
            ),
            msg(
                Direction::Incoming,
                "+8613800138000",
                t(190),
                "RCS hello",
                Channel::Rcs
            ),
        ]
    );
    assert_eq!(got.undelivered, 1, "the failed send");
    assert_eq!(got.rejected.len(), 1, "{:?}", got.rejected);
    assert_eq!(got.rejected[0].0, Some(Position::Record(11)));
    assert!(got.rejected[0].1.contains("without a date"));
    // Read-only and immutable: the user's database is untouched.
    assert_eq!(sha256(&db), before);
    assert!(!dir.path().join("sms.db-journal").exists());
    assert!(!dir.path().join("sms.db-wal").exists());
}

#[test]
fn messages_still_in_the_write_ahead_log_are_read_without_touching_the_folder() {
    let dir = TempDir::new().unwrap();
    let live = dir.path().join("live");
    let copied = dir.path().join("copied");
    fs::create_dir_all(&live).unwrap();
    fs::create_dir_all(&copied).unwrap();
    let conn = rusqlite::Connection::open(live.join("chat.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute_batch(&fs::read_to_string(fixture("ios-db/ios16.sql")).unwrap())
        .unwrap();
    // Copy the database and its log while Messages (here: `conn`) has it open.
    fs::copy(live.join("chat.db"), copied.join("chat.db")).unwrap();
    fs::copy(live.join("chat.db-wal"), copied.join("chat.db-wal")).unwrap();
    drop(conn);
    let db = copied.join("chat.db");
    let before = (sha256(&db), sha256(&copied.join("chat.db-wal")));
    let (format, _, got) = read_ok(&db, &ImportOptions::default());
    assert_eq!(format, Format::IosDb);
    assert_eq!(got.messages.len(), 7);
    assert_eq!(before, (sha256(&db), sha256(&copied.join("chat.db-wal"))));
    let mut names: Vec<String> = fs::read_dir(&copied)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["chat.db", "chat.db-wal"],
        "no -shm or journal appeared"
    );
}

#[test]
fn ios_dates_in_seconds_and_missing_columns() {
    let dir = TempDir::new().unwrap();
    let db = build_db(dir.path(), "sms.db", "ios-db/ios8-seconds.sql");
    let (_, _, got) = read_ok(&db, &ImportOptions::default());
    assert_eq!(
        got.messages,
        vec![
            msg(
                Direction::Incoming,
                "+15550001111",
                T0,
                "Your code is 123456",
                Channel::Sms
            ),
            msg(
                Direction::Outgoing,
                "+15550001111",
                T0 + 60_000,
                "thanks",
                Channel::Sms
            ),
        ]
    );
}

#[test]
fn ios_backup_folder_is_found_in_3d_or_flat() {
    let dir = TempDir::new().unwrap();
    let nested = dir.path().join("backup-new");
    fs::create_dir_all(nested.join("3d")).unwrap();
    fs::copy(
        fixture("ios-db/Manifest-plain.plist"),
        nested.join("Manifest.plist"),
    )
    .unwrap();
    build_db(
        &nested.join("3d"),
        "3d0d7e5fb2ce288813306e4d4636395e047a3d28",
        "ios-db/ios8-seconds.sql",
    );
    let (format, _, got) = read_ok(&nested, &ImportOptions::default());
    assert_eq!(format, Format::IosDb);
    assert_eq!(got.messages.len(), 2);

    let flat = dir.path().join("backup-old");
    fs::create_dir_all(&flat).unwrap();
    build_db(
        &flat,
        "3d0d7e5fb2ce288813306e4d4636395e047a3d28",
        "ios-db/ios8-seconds.sql",
    );
    let (_, _, got) = read_ok(&flat, &ImportOptions::default());
    assert_eq!(got.messages.len(), 2);
}

#[test]
fn encrypted_ios_backup_is_refused_with_a_way_out() {
    let dir = TempDir::new().unwrap();
    // Manifest.plist says so.
    let said = dir.path().join("said");
    fs::create_dir_all(said.join("3d")).unwrap();
    fs::copy(
        fixture("ios-db/Manifest-encrypted.plist"),
        said.join("Manifest.plist"),
    )
    .unwrap();
    fs::write(
        said.join("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"),
        [0x5Au8; 4096],
    )
    .unwrap();
    // Manifest.db and the database are ciphertext.
    let scrambled = dir.path().join("scrambled");
    fs::create_dir_all(scrambled.join("3d")).unwrap();
    fs::write(scrambled.join("Manifest.db"), [0xA5u8; 4096]).unwrap();
    fs::write(
        scrambled.join("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"),
        [0x5Au8; 4096],
    )
    .unwrap();
    for backup in [&said, &scrambled] {
        let err = read(backup, &ImportOptions::default()).unwrap_err();
        let line = err.to_string();
        assert!(line.contains("encrypted"), "{line}");
        assert!(line.contains("Finder") && line.contains("iTunes"), "{line}");
        assert!(line.contains("Encrypt local backup"), "{line}");

        let db = dir.path().join("optout.sqlite3");
        let out = optout(&db).arg("import").arg(backup).assert().failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(&backup.display().to_string()), "{stderr}");
        assert!(stderr.contains("encrypted"), "{stderr}");
    }
}

#[test]
fn sqlite_without_message_tables_is_an_error() {
    let dir = TempDir::new().unwrap();
    let notes = build_db(dir.path(), "notes.db", "ios-db/not-messages.sql");
    let err = read(&notes, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("without message tables"), "{err}");
    assert!(err.to_string().contains("notes"), "{err}");
    // Forced formats say so too.
    for format in [Format::IosDb, Format::AndroidDb] {
        let forced = ImportOptions {
            format: Some(format),
            ..ImportOptions::default()
        };
        let err = read(&notes, &forced).unwrap_err();
        assert!(err.to_string().contains("no "), "{err}");
    }
    let db = dir.path().join("optout.sqlite3");
    optout(&db).arg("import").arg(&notes).assert().failure();
}

#[test]
fn attributed_body_extraction_on_the_shared_blobs() {
    let Some(dir) = shared_data("imessage-typedstream-blobs/streamtyped") else {
        return;
    };
    let text = |name: &str| {
        let blob = fs::read(dir.join(name)).unwrap();
        import::typedstream::extract_text(&blob)
    };
    assert_eq!(
        text("AttributedBodyTextOnly").as_deref(),
        Some("Noter test")
    );
    assert_eq!(text("AttributedBodyTextOnly2").as_deref(), Some("Test 3"));
    assert_eq!(text("Blank").as_deref(), Some(""));
    assert!(text("ExtraData").unwrap().starts_with("This is parsing"));
    assert_eq!(
        text("MultiPart").as_deref(),
        Some("\u{FFFC}test 1\u{FFFC}test 2 \u{FFFC}test 3")
    );
    assert_eq!(
        text("URL").as_deref(),
        Some("https://github.com/ReagentX/Logria")
    );
    assert_eq!(
        text("WeirdText").as_deref(),
        Some(
            "\u{1D58D}\u{1D58A}\u{1D591}\u{1D591}\u{1D594} \u{1D59C}\u{1D594}\u{1D597}\u{1D591}\u{1D589}"
        )
    );
}

#[test]
fn real_ios_sms_db_from_cfreds() {
    let Some(path) = shared_data("ios-smsdb-cfreds-magnet-ctf-2020/sms.db") else {
        return;
    };
    let before = sha256(&path);
    let (format, source, got) = read_ok(&path, &ImportOptions::default());
    assert_eq!(format, Format::IosDb);
    let outgoing = got
        .messages
        .iter()
        .filter(|m| m.direction == Direction::Outgoing)
        .count();
    let imessage = got
        .messages
        .iter()
        .filter(|m| m.channel == Channel::IMessage)
        .count();
    eprintln!(
        "CFReDS sms.db: {} messages ({} sent, {} received; {} iMessage, {} SMS), {} rejected, {} undelivered",
        got.messages.len(),
        outgoing,
        got.messages.len() - outgoing,
        imessage,
        got.messages.len() - imessage,
        got.rejected.len(),
        got.undelivered
    );
    assert_eq!(got.messages.len(), 105);
    assert_eq!(outgoing, 51);
    assert_eq!(imessage, 49);
    assert!(got.rejected.is_empty());
    // Dates are 2019-12-26 … 2020-03-24 (UTC).
    assert!(
        got.messages
            .iter()
            .all(|m| (1_577_318_400_000..1_585_094_400_000).contains(&m.timestamp_ms))
    );
    assert!(
        got.messages
            .iter()
            .any(|m| m.address == "40404" && m.body.contains("Reply OFF to stop"))
    );
    assert_eq!(source.sha256, before);
    assert_eq!(sha256(&path), before, "the shared file must not change");
}

#[test]
fn real_macos_chat_db_fixture() {
    let Some(path) = shared_data("macos-chatdb-macos-ts-fixture/chat.db") else {
        return;
    };
    let (format, _, got) = read_ok(&path, &ImportOptions::default());
    assert_eq!(format, Format::IosDb);
    eprintln!("macOS chat.db: {} messages", got.messages.len());
    assert_eq!(got.messages.len(), 15);
    // Text only in attributedBody.
    let from_blob = got
        .messages
        .iter()
        .find(|m| m.body == "Check out this cool project!")
        .expect("attributedBody text");
    assert_eq!(from_blob.address, "alice@example.com");
    assert_eq!(from_blob.direction, Direction::Incoming);
    // Sent to the group chat: its three members.
    assert!(
        got.messages
            .iter()
            .any(|m| m.direction == Direction::Outgoing
                && m.address == "+15551234567~+15559876543~alice@example.com"
                && m.body == "Who's free this Saturday?")
    );
    assert!(
        got.messages
            .iter()
            .any(|m| m.channel == Channel::Sms && m.body == "Count me in too")
    );
}

// ---------------------------------------------------------------- Android mmssms.db

#[test]
fn android_mmssms_db() {
    let dir = TempDir::new().unwrap();
    let db = build_db(dir.path(), "mmssms.db", "android-db/mmssms.sql");
    let before = sha256(&db);
    let (format, source, got) = read_ok(&db, &ImportOptions::default());
    assert_eq!(format, Format::AndroidDb);
    assert_eq!(source.sha256, before);
    assert_eq!(
        got.messages,
        vec![
            msg(
                Direction::Incoming,
                "10086",
                T0,
                "【中国移动】尊敬的客户，流量包限时优惠，回复TD退订",
                Channel::Sms
            ),
            msg(
                Direction::Outgoing,
                "10086",
                T0 + 60_000,
                "TD",
                Channel::Sms
            ),
            msg(
                Direction::Incoming,
                "95588",
                T0 + 240_000,
                "emoji 😀 body",
                Channel::Sms
            ),
            msg(
                Direction::Incoming,
                "+8613900139000",
                T0 + 300_000,
                "Picture from the party",
                Channel::Mms
            ),
            msg(
                Direction::Outgoing,
                "+8613900139000~+8613700137000",
                T0 + 360_000,
                "Group hello\nsecond part",
                Channel::Mms
            ),
        ]
    );
    assert_eq!(got.undelivered, 1);
    assert_eq!(got.rejected.len(), 1);
    assert!(got.rejected[0].1.contains("without an address"));
    assert_eq!(sha256(&db), before);
}

// ---------------------------------------------------------------- SMS Import/Export

fn sms_ie_zip(dir: &Path, name: &str, ndjson: &[u8]) -> PathBuf {
    let path = dir.join(name);
    build_zip(
        &path,
        &[
            ("messages.ndjson", ndjson),
            ("data/PART_23.jpg", b"\xFF\xD8\xFF\xE0 not really a jpeg"),
        ],
    );
    path
}

#[test]
fn sms_import_export_zip() {
    let dir = TempDir::new().unwrap();
    let ndjson = fs::read(fixture("sms-ie/messages.ndjson")).unwrap();
    let zip = sms_ie_zip(dir.path(), "messages-2026-03-09.zip", &ndjson);
    let (format, source, got) = read_ok(&zip, &ImportOptions::default());
    assert_eq!(format, Format::SmsIe);
    assert_eq!(source.sha256, sha256(&zip));
    let mut first = msg(
        Direction::Incoming,
        "+8613800138000",
        T0,
        "晚上一起吃饭吗？😀",
        Channel::Sms,
    );
    first.contact_name = Some("Li Lei".into());
    let mut photo = msg(
        Direction::Incoming,
        "+8613900139000",
        T0 + 240_000,
        "Photo 📷\nsecond",
        Channel::Mms,
    );
    photo.contact_name = Some("Han Meimei".into());
    assert_eq!(
        got.messages,
        vec![
            first,
            msg(
                Direction::Incoming,
                "10690000",
                T0 + 60_000,
                "【京东】春季大促，全场满减，回T退订",
                Channel::Sms
            ),
            msg(
                Direction::Outgoing,
                "10690000",
                T0 + 120_000,
                "T",
                Channel::Sms
            ),
            photo,
            msg(
                Direction::Outgoing,
                "+8613900139000~+8613700137000",
                T0 + 300_000,
                "Group hi",
                Channel::Mms
            ),
        ]
    );
    assert_eq!(got.undelivered, 1);
    assert_eq!(
        got.rejected.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        vec![Some(Position::Line { line: 5, column: 1 })]
    );

    // The same NDJSON unzipped reads the same.
    let bare = dir.path().join("messages.ndjson");
    fs::write(&bare, &ndjson).unwrap();
    let (format, _, unzipped) = read_ok(&bare, &ImportOptions::default());
    assert_eq!(format, Format::SmsIe);
    assert_eq!(unzipped.messages, got.messages);
}

#[test]
fn truncated_sms_import_export_is_an_error() {
    let dir = TempDir::new().unwrap();
    let ndjson = fs::read(fixture("sms-ie/messages.ndjson")).unwrap();
    // Cut in the middle of the last record.
    let cut = &ndjson[..ndjson.len() - 40];
    let zip = sms_ie_zip(dir.path(), "messages-cut.zip", cut);
    let err = read(&zip, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_eq!(err.position, Some(Position::Line { line: 7, column: 1 }));

    // A ZIP cut short has no central directory.
    let whole = sms_ie_zip(dir.path(), "messages-whole.zip", &ndjson);
    let bytes = fs::read(&whole).unwrap();
    let short = dir.path().join("short.zip");
    fs::write(&short, &bytes[..bytes.len() / 2]).unwrap();
    let forced = ImportOptions {
        format: Some(Format::SmsIe),
        ..ImportOptions::default()
    };
    let err = read(&short, &forced).unwrap_err();
    assert!(err.to_string().contains("damaged or truncated"), "{err}");

    // A ZIP of something else.
    let other = dir.path().join("photos.zip");
    build_zip(&other, &[("IMG_0001.jpg", b"jpeg")]);
    let err = read(&other, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("without messages.ndjson"), "{err}");
    assert!(err.to_string().contains("IMG_0001.jpg"), "{err}");

    let db = dir.path().join("optout.sqlite3");
    optout(&db).arg("import").arg(&zip).assert().failure();
}

// ---------------------------------------------------------------- Termux

#[test]
fn termux_sms_list_reads_local_times_in_the_zone() {
    let (format, source, got) = read_ok(&fixture("termux/sms-list.json"), &options_in(shanghai()));
    assert_eq!(format, Format::Termux);
    assert_eq!(source.zone.as_deref(), Some("Asia/Shanghai"));
    let local = |ts: i64, mut m: ImportedMessage| {
        m.timestamp_ms = ts;
        m.utc_offset_s = Some(8 * 3600);
        m
    };
    let mut first = local(
        T0,
        msg(
            Direction::Incoming,
            "10086",
            0,
            "【中国移动】流量优惠，回复TD退订 😀",
            Channel::Sms,
        ),
    );
    first.contact_name = Some("China Mobile".into());
    assert_eq!(
        got.messages,
        vec![
            first,
            local(
                T0 + 60_000,
                msg(Direction::Outgoing, "10086", 0, "TD", Channel::Sms)
            ),
            local(
                1_773_061_200_000,
                msg(
                    Direction::Incoming,
                    "+15550001111",
                    0,
                    "Older termux-api wrote only \"number\"",
                    Channel::Sms
                )
            ),
            local(
                1_773_064_800_000,
                msg(
                    Direction::Incoming,
                    "+15550002222",
                    0,
                    "lone \u{FFFD} surrogate",
                    Channel::Sms
                )
            ),
        ]
    );
    assert_eq!(got.undelivered, 1);
    assert_eq!(got.rejected.len(), 1);
    assert_eq!(got.rejected[0].0, Some(Position::Record(5)));
    assert!(got.rejected[0].1.contains("last tuesday"));

    // The same file read in UTC lands eight hours later.
    let (_, source, utc) = read_ok(
        &fixture("termux/sms-list.json"),
        &options_in(jiff::tz::TimeZone::UTC),
    );
    assert_eq!(source.zone.as_deref(), Some("UTC"));
    assert_eq!(utc.messages[0].timestamp_ms, T0 + 8 * 3_600_000);
}

#[test]
fn termux_play_store_refusal_is_explained() {
    let err = read(
        &fixture("termux/play-store-error.json"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let line = err.to_string();
    assert!(line.contains("no longer permitted"), "{line}");
    assert!(line.contains("F-Droid"), "{line}");
}

// ---------------------------------------------------------------- generic JSON

#[test]
fn generic_json_list() {
    let (format, source, got) = read_ok(&fixture("json/messages.json"), &ImportOptions::default());
    assert_eq!(format, Format::Json);
    assert_eq!(source.zone, None);
    let mut first = msg(
        Direction::Outgoing,
        "+16502897297",
        1_674_694_638_065,
        "Did you see the game? 👌",
        Channel::Sms,
    );
    first.contact_name = Some("Daniel Clark".into());
    assert_eq!(
        got.messages,
        vec![
            first,
            msg(
                Direction::Incoming,
                "95555",
                1_674_694_700_000,
                "【招商银行】信用卡分期优惠，回复TD退订",
                Channel::Sms
            ),
            msg(
                Direction::Incoming,
                "106902",
                1_674_694_800_000,
                "a date in seconds",
                Channel::Sms
            ),
        ]
    );
    assert_eq!(got.undelivered, 1);
    let positions: Vec<_> = got.rejected.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        positions,
        vec![Some(Position::Record(5)), Some(Position::Record(6))]
    );
}

#[test]
fn truncated_json_is_an_error_with_its_line() {
    let err = read(&fixture("json/truncated.json"), &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(
        matches!(err.position, Some(Position::Line { line: 3, .. })),
        "{err}"
    );

    let dir = TempDir::new().unwrap();
    let db = dir.path().join("optout.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("json/messages.json"))
        .assert()
        .success();
    let before = count(&db, "SELECT count(*) FROM messages");
    let out = optout(&db)
        .arg("import")
        .arg(fixture("json/truncated.json"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("truncated.json: line 3"), "{stderr}");
    assert_eq!(count(&db, "SELECT count(*) FROM messages"), before);
    assert_eq!(count(&db, "SELECT count(*) FROM imports"), 1);
}

#[test]
fn gen_sms_json_and_csv_import_the_same_messages() {
    // A few records in the shape gen_sms.py writes, as JSON and as CSV.
    let (_, _, json) = read_ok(&fixture("json/messages.json"), &ImportOptions::default());
    let (format, _, csv) = read_ok(&fixture("csv/gen-sms.csv"), &ImportOptions::default());
    assert_eq!(format, Format::Csv);
    assert_eq!(json.messages[0], csv.messages[0]);
    assert_eq!(csv.messages.len(), 3);
    assert_eq!(
        csv.messages[2].body,
        "【工商银行】您的账户有新优惠，回复TD退订,谢谢"
    );
    assert_eq!(csv.messages[2].contact_name, None);
    assert_eq!(csv.messages[1].contact_name.as_deref(), Some("孔红梓"));
}

// ---------------------------------------------------------------- CSV

fn chinese_expected() -> Vec<ImportedMessage> {
    let mut a = msg(
        Direction::Incoming,
        "10086",
        T0,
        "【中国移动】尊敬的客户，您本月流量已用完，回复TD退订",
        Channel::Sms,
    );
    a.utc_offset_s = Some(8 * 3600);
    let mut b = msg(
        Direction::Outgoing,
        "10086",
        1_773_058_320_000,
        "TD",
        Channel::Sms,
    );
    b.utc_offset_s = Some(8 * 3600);
    let mut c = msg(
        Direction::Incoming,
        "95588",
        1_773_058_500_000,
        "【工商银行】验证码123456,请勿泄露",
        Channel::Sms,
    );
    c.utc_offset_s = Some(8 * 3600);
    vec![a, b, c]
}

#[test]
fn csv_in_every_encoding_reads_the_same() {
    let dir = TempDir::new().unwrap();
    let text = fs::read_to_string(fixture("csv/chinese.csv")).unwrap();
    let utf16 = |big_endian: bool| {
        let mut out = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("utf8.csv", text.as_bytes().to_vec()),
        (
            "utf8-bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("gbk.csv", encoding_rs::GBK.encode(&text).0.into_owned()),
        ("utf16le.csv", utf16(false)),
        ("utf16be.csv", utf16(true)),
    ];
    for (name, bytes) in variants {
        let path = dir.path().join(name);
        fs::write(&path, &bytes).unwrap();
        let (format, source, got) = read_ok(&path, &options_in(shanghai()));
        assert_eq!(format, Format::Csv, "{name}");
        assert_eq!(got.messages, chinese_expected(), "{name}");
        assert!(got.rejected.is_empty(), "{name}: {:?}", got.rejected);
        assert_eq!(source.zone.as_deref(), Some("Asia/Shanghai"), "{name}");
        assert_eq!(source.size, bytes.len() as u64, "{name}");
    }
}

#[test]
fn excel_unicode_text_is_utf16_with_tabs() {
    let dir = TempDir::new().unwrap();
    let text = fs::read_to_string(fixture("csv/excel-unicode.tsv")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let path = dir.path().join("短信.txt");
    fs::write(&path, bytes).unwrap();
    let (format, _, got) = read_ok(&path, &options_in(shanghai()));
    assert_eq!(format, Format::Csv);
    let mut expected = msg(
        Direction::Incoming,
        "1065502",
        1_773_014_400_000,
        "【美团】外卖红包已到账，回T退订",
        Channel::Sms,
    );
    expected.utc_offset_s = Some(8 * 3600);
    assert_eq!(got.messages, vec![expected]);
}

#[test]
fn csv_header_named_with_map() {
    let path = fixture("csv/unknown-header.csv");
    // Without --map: an error that shows the header and names --map.
    let err = read(&path, &ImportOptions::default()).unwrap_err();
    let line = err.to_string();
    assert!(
        line.contains("'对方'") && line.contains("'收发时间'"),
        "{line}"
    );
    assert!(line.contains("--map"), "{line}");
    assert!(line.contains("known formats"), "{line}");
    // Forced to CSV without a map: the CSV reader's own error.
    let forced = ImportOptions {
        format: Some(Format::Csv),
        ..ImportOptions::default()
    };
    let err = read(&path, &forced).unwrap_err();
    assert!(err.to_string().contains("not recognised"), "{err}");
    assert_eq!(err.position, Some(Position::Line { line: 1, column: 1 }));

    let mapped = ImportOptions {
        csv_map: Some("address=对方,date=收发时间,body=正文,direction=方式".into()),
        ..ImportOptions::default()
    };
    let (format, _, got) = read_ok(&path, &mapped);
    assert_eq!(format, Format::Csv);
    assert_eq!(
        got.messages,
        vec![
            msg(
                Direction::Incoming,
                "10086",
                T0,
                "余额提醒：您的余额不足10元",
                Channel::Sms
            ),
            msg(
                Direction::Outgoing,
                "10086",
                T0 + 60_000,
                "CXYE",
                Channel::Sms
            ),
        ]
    );

    // The same through the command line.
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("optout.sqlite3");
    let out = optout(&db).arg("import").arg(&path).assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("--map"), "{stderr}");
    optout(&db)
        .arg("import")
        .arg("--map")
        .arg("address=对方,date=收发时间,body=正文,direction=方式")
        .arg(&path)
        .assert()
        .success();
    assert_eq!(count(&db, "SELECT count(*) FROM messages"), 2);
}

#[test]
fn csv_bad_rows_are_skipped_and_reported_with_their_line() {
    let (_, source, got) = read_ok(&fixture("csv/bad-rows.csv"), &ImportOptions::default());
    assert_eq!(source.zone, None, "no local times were read");
    assert_eq!(
        got.messages,
        vec![
            msg(Direction::Incoming, "10086", T0, "ok one", Channel::Sms),
            msg(
                Direction::Outgoing,
                "10086",
                T0 + 100_000,
                "a body over\ntwo lines",
                Channel::Sms
            ),
            msg(
                Direction::Incoming,
                "10086",
                T0 + 300_000,
                "last ok",
                Channel::Sms
            ),
        ]
    );
    let lines: Vec<u64> = got
        .rejected
        .iter()
        .map(|(p, _)| match p {
            Some(Position::Line { line, column: 1 }) => *line,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(lines, vec![3, 4, 7]);
    assert!(got.rejected[0].1.contains("without an address"));
    assert!(got.rejected[1].1.contains("'not a date'"));
    assert!(got.rejected[2].1.contains("'sideways'"));

    let dir = TempDir::new().unwrap();
    let db = dir.path().join("optout.sqlite3");
    let out = optout(&db)
        .arg("import")
        .arg(fixture("csv/bad-rows.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("bad-rows.csv: line 3, column 1: skipped row without an address"),
        "{stderr}"
    );
    assert!(stderr.contains("3 unreadable records skipped"), "{stderr}");
    assert_eq!(count(&db, "SELECT count(*) FROM messages"), 3);
}

#[test]
fn csv_where_no_row_reads_is_an_error() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("optout.sqlite3");
    for (file, what) in [
        ("csv/all-bad.csv", "no row of the CSV could be read"),
        ("csv/header-only.csv", "no messages"),
    ] {
        let err = read(&fixture(file), &ImportOptions::default()).unwrap_err();
        assert!(err.to_string().contains(what), "{err}");
        let out = optout(&db)
            .arg("import")
            .arg(fixture(file))
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let err = read(&fixture("csv/all-bad.csv"), &ImportOptions::default()).unwrap_err();
    assert_eq!(err.position, Some(Position::Line { line: 2, column: 1 }));
    assert!(err.to_string().contains("'yesterday'"), "{err}");
    assert!(!db.exists() || count(&db, "SELECT count(*) FROM imports") == 0);
}

// ---------------------------------------------------------------- across formats

#[test]
fn one_message_in_two_exports_is_stored_once() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("optout.sqlite3");
    optout(&db)
        .arg("import")
        .arg(fixture("dedupe/sms-backup.xml"))
        .assert()
        .success();
    let out = optout(&db)
        .arg("import")
        .arg(fixture("dedupe/same-messages.csv"))
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("imported 1 new message (2 already stored)"),
        "{stderr}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM messages"), 3);
}

#[test]
fn every_format_imports_through_the_store() {
    let dir = TempDir::new().unwrap();
    let ios = build_db(dir.path(), "sms.db", "ios-db/ios16.sql");
    let android = build_db(dir.path(), "mmssms.db", "android-db/mmssms.sql");
    let zip = sms_ie_zip(
        dir.path(),
        "messages.zip",
        &fs::read(fixture("sms-ie/messages.ndjson")).unwrap(),
    );
    // (file, format, messages in it, of which new here). Termux's "TD"
    // reply to 10086 at 20:12:40 +08:00 already came from mmssms.db.
    let files: Vec<(PathBuf, Format, u64, u64)> = vec![
        (ios, Format::IosDb, 7, 7),
        (android, Format::AndroidDb, 5, 5),
        (zip, Format::SmsIe, 5, 5),
        (fixture("termux/sms-list.json"), Format::Termux, 4, 3),
        (fixture("json/messages.json"), Format::Json, 3, 3),
        (fixture("csv/chinese.csv"), Format::Csv, 3, 3),
    ];
    let mut store = Store::open_in_memory().unwrap();
    let classifier = Classifier::builtin();
    let region = Region::new("CN").unwrap();
    let options = options_in(shanghai());
    for (path, format, delivered, new) in files {
        assert_eq!(import::detect_with(&path, &options).unwrap(), format);
        let report = optout::ingest::import_file(
            &mut store,
            &path,
            format,
            &options,
            &classifier,
            &region,
            &(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            (report.new, report.duplicates),
            (new, delivered - new),
            "{}",
            path.display()
        );
        // Importing again adds nothing.
        let again = optout::ingest::import_file(
            &mut store,
            &path,
            format,
            &options,
            &classifier,
            &region,
            &(),
        )
        .unwrap();
        assert_eq!(
            (again.new, again.duplicates),
            (0, delivered),
            "{}",
            path.display()
        );
    }
    let zone: Option<String> = store
        .conn()
        .query_row(
            "SELECT source_zone FROM imports WHERE format = 'termux' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(zone.as_deref(), Some("Asia/Shanghai"));
    let hint: Option<String> = store
        .conn()
        .query_row(
            "SELECT hint FROM messages WHERE body LIKE '%Spring sale%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hint.as_deref(), Some("promotion"));
}

#[test]
fn unknown_files_list_the_known_formats() {
    let dir = TempDir::new().unwrap();
    let png = dir.path().join("photo.png");
    fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
    let db = dir.path().join("optout.sqlite3");
    let out = optout(&db).arg("import").arg(&png).assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for name in [
        "android-xml",
        "ios-db",
        "sms-ie",
        "termux",
        "json",
        "android-db",
        "csv",
    ] {
        assert!(stderr.contains(name), "{name} missing: {stderr}");
    }
}

#[test]
fn a_json_object_that_is_not_a_message_is_not_an_export() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("settings.json");
    fs::write(&path, "{\n  \"theme\": \"dark\",\n  \"font\": 12\n}\n").unwrap();
    let err = read(&path, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a message export"), "{err}");
    assert!(err.to_string().contains("known formats"), "{err}");
}

#[test]
fn hostile_bytes_never_panic() {
    // Every format's reader over truncations and garbage: errors are fine,
    // panics are not.
    let dir = TempDir::new().unwrap();
    let inputs = [
        fs::read(fixture("termux/sms-list.json")).unwrap(),
        fs::read(fixture("json/messages.json")).unwrap(),
        fs::read(fixture("sms-ie/messages.ndjson")).unwrap(),
        fs::read(fixture("csv/chinese.csv")).unwrap(),
        fs::read(fixture("csv/bad-rows.csv")).unwrap(),
        fs::read(fixture("android/cases.xml")).unwrap(),
    ];
    let path = dir.path().join("input");
    for input in &inputs {
        for cut in (1..input.len()).step_by(7) {
            let mut bytes = input[..cut].to_vec();
            if cut % 3 == 0 {
                bytes.push(0xFF);
            }
            fs::write(&path, &bytes).unwrap();
            for format in Format::ALL {
                let options = ImportOptions {
                    format: Some(*format),
                    ..ImportOptions::default()
                };
                let _ = read(&path, &options);
            }
            let _ = read(&path, &ImportOptions::default());
        }
    }
    // A database cut in half.
    let db = build_db(dir.path(), "sms.db", "ios-db/ios16.sql");
    let bytes = fs::read(&db).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let _ = read(&path, &ImportOptions::default());
}
