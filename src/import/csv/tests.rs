use super::*;

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn english_and_chinese_headers_are_recognised() {
    let m = map_columns(
        &header(&["address", "date", "type", "body", "contact_name"]),
        None,
    )
    .unwrap();
    assert_eq!(
        m,
        ColumnMap {
            address: 0,
            date: 1,
            body: 3,
            direction: Some(2),
            contact: Some(4)
        }
    );
    let m = map_columns(&header(&["号码", "时间", "内容", "类型"]), None).unwrap();
    assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, Some(3)));
    let m = map_columns(&header(&["\u{feff}Phone Number", "Time", "Message"]), None).unwrap();
    assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, None));
    // 号码 wins over 联系人 for the address; 联系人 is then free.
    let m = map_columns(&header(&["联系人", "号码", "日期", "短信内容"]), None).unwrap();
    assert_eq!(m.address, 1);
}

#[test]
fn map_names_columns_by_name_or_number() {
    let h = header(&["对方", "收发时间", "正文", "方式"]);
    let err = map_columns(&h, None).unwrap_err();
    assert!(err.contains("'对方'"), "{err}");
    let m = map_columns(
        &h,
        Some("address=对方,date=收发时间,body=正文,direction=方式"),
    )
    .unwrap();
    assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, Some(3)));
    let m = map_columns(&h, Some("address=1, date=2, body=3")).unwrap();
    assert_eq!((m.address, m.date, m.body, m.direction), (0, 1, 2, None));
    assert!(
        map_columns(&h, Some("address=nope"))
            .unwrap_err()
            .contains("'nope'")
    );
    assert!(map_columns(&h, Some("colour=1")).is_err());
    assert!(map_columns(&h, Some("address")).is_err());
}

#[test]
fn delimiters() {
    assert_eq!(delimiter_of("a,b,c"), b',');
    assert_eq!(delimiter_of("a;b;c"), b';');
    assert_eq!(delimiter_of("a\tb\tc"), b'\t');
    assert_eq!(delimiter_of("\"a;b\",c,d"), b',');
}

#[test]
fn header_guess() {
    assert_eq!(
        guess_header(b"address,date,body\n1,2,3\n", None),
        HeaderGuess::Recognised
    );
    assert_eq!(
        guess_header(b"foo,bar\n", None),
        HeaderGuess::Unrecognised(header(&["foo", "bar"]))
    );
    assert_eq!(
        guess_header(b"\x89PNG\r\n\x1a\n\0\0", None),
        HeaderGuess::NotCsv
    );
    assert_eq!(
        guess_header(b"just some words\n", None),
        HeaderGuess::NotCsv
    );
    let (gbk, _, _) = GB18030.encode("号码,时间,内容\n");
    assert_eq!(guess_header(&gbk, None), HeaderGuess::Recognised);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "号码\t时间\t内容\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(guess_header(&utf16, None), HeaderGuess::Recognised);
}

#[test]
fn utf8_scan_counts_across_chunk_boundaries() {
    let text = "短信内容".as_bytes();
    let mut scan = Utf8Scan::default();
    scan.feed(&text[..4]);
    scan.feed(&text[4..]);
    let scan = scan.finish();
    assert_eq!((scan.invalid, scan.multibyte), (0, 4));
    let (gbk, _, _) = GB18030.encode("短信内容");
    let mut scan = Utf8Scan::default();
    scan.feed(&gbk);
    assert!(scan.finish().invalid > 0);
}

/// The mapping prompt's example row is split as the importer splits the
/// file: the header line's delimiter, quotes honoured, a byte-order mark
/// and old Mac Excel's bare CR line ends.
#[test]
fn first_row_is_split_as_the_importer_splits_the_file() {
    let head = b"\xEF\xBB\xBFwhen;who;what\r2024-01-02;95528;\"a; b, c\"\rnext;row;x\r";
    assert_eq!(
        super::first_row(head),
        vec!["2024-01-02", "95528", "a; b, c"]
    );
    assert!(super::first_row(b"only;a;header\n").is_empty());
}
