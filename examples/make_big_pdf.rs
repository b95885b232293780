//! Writes a large PDF with a text layer, to measure how reading a big PDF grows with its
//! size (`docs/FORMATS.md`, *Memory*). The text is generated (invented sentences of common
//! characters), so the file can be any size and nothing is copied from real documents.
//!
//! ```text
//! cargo run --release --example make_big_pdf -- OUT.pdf MEGABYTES
//! ```
//!
//! The file: one Type0 font (Identity-H with a `ToUnicode` CMap, as in the PDF sample), A4
//! pages of 40 lines of at most 34 characters, a running header and a page number on every
//! page, content streams not compressed (so the size is mostly text: about 7 KB a page). The
//! body is articles (`第N条　…。`) of two to eight sentences, a numbered heading now and then,
//! and every 50th paragraph a run of 6,000 characters with no sentence end (commas only),
//! which no paragraph rule can split at a sentence: the case that must still be bounded.
//! Deterministic: the same size gives the same bytes. Written as it is generated, page by
//! page, so the generator itself needs little memory.

use std::fs::File;
use std::io::{BufWriter, Write};

/// Characters the sentences are drawn from (common words of policy texts).
const WORDS: &[&str] = &[
    "加强",
    "管理",
    "工作",
    "制度",
    "建设",
    "推进",
    "落实",
    "责任",
    "单位",
    "部门",
    "规定",
    "实施",
    "监督",
    "检查",
    "服务",
    "保障",
    "发展",
    "完善",
    "机制",
    "社会",
    "经济",
    "安全",
    "生产",
    "环境",
    "保护",
    "资金",
    "项目",
    "审批",
    "登记",
    "备案",
    "信息",
    "公开",
    "群众",
    "企业",
    "市场",
    "农村",
    "城市",
    "水利",
    "交通",
    "教育",
    "卫生",
    "医疗",
    "养老",
    "就业",
    "住房",
    "土地",
    "规划",
    "标准",
    "质量",
    "技术",
    "创新",
    "人才",
    "培训",
    "考核",
    "评估",
    "应当",
    "依法",
    "按照",
    "有关",
    "相关",
    "本办法",
    "县级以上",
    "人民政府",
    "主管部门",
];
/// Lines a page (header and page number aside) and characters a line.
const PAGE_LINES: usize = 40;
const LINE_CHARS: usize = 34;
/// Every this many paragraphs, one long run without a sentence end.
const RUN_EVERY: u64 = 50;
/// Characters of that run.
const RUN_CHARS: usize = 6000;
const HEADER: &str = "某某市人民政府公报";

/// A small deterministic generator (xorshift), so the file is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Paragraph `n` of the body.
fn paragraph(rng: &mut Rng, n: u64) -> String {
    let clause = |rng: &mut Rng| -> String {
        (0..2 + rng.below(5))
            .map(|_| WORDS[rng.below(WORDS.len())])
            .collect()
    };
    if n % RUN_EVERY == RUN_EVERY - 1 {
        let mut s = String::new();
        while s.chars().count() < RUN_CHARS {
            s.push_str(&clause(rng));
            s.push('，');
        }
        return s;
    }
    if n.is_multiple_of(17) {
        return format!("{}、{}", chinese(n / 17 % 10 + 1), clause(rng));
    }
    let mut s = format!("第{}条　", n + 1);
    for _ in 0..2 + rng.below(7) {
        for k in 0..1 + rng.below(3) {
            if k > 0 {
                s.push('，');
            }
            s.push_str(&clause(rng));
        }
        s.push('。');
    }
    s
}

fn chinese(n: u64) -> &'static str {
    [
        "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ][n as usize % 11]
}

/// Every character the text can hold, in a fixed order: its CID is its place + 1.
fn charset() -> Vec<char> {
    let mut all: Vec<char> = WORDS.concat().chars().collect();
    all.extend("第条，。、　-0123456789一二三四五六七八九十〇".chars());
    all.extend(HEADER.chars());
    all.sort_unstable();
    all.dedup();
    all
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(mb)) = (args.get(1), args.get(2).and_then(|m| m.parse::<u64>().ok()))
    else {
        eprintln!("usage: make_big_pdf OUT.pdf MEGABYTES");
        std::process::exit(2);
    };
    let target = mb * 1_000_000;
    let chars = charset();
    let cid = |c: char| chars.binary_search(&c).map_or(0, |i| i + 1);
    let hex = |line: &str| {
        line.chars()
            .map(|c| format!("{:04X}", cid(c)))
            .collect::<String>()
    };

    let mut w = Counted(BufWriter::new(File::create(out)?), 0);
    let mut offsets: Vec<u64> = vec![0; 6];
    w.write_all(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")?;
    let obj = |w: &mut Counted, offsets: &mut Vec<u64>, id: usize, body: &[u8]| {
        if offsets.len() < id {
            offsets.resize(id, 0);
        }
        offsets[id - 1] = w.1;
        w.write_all(format!("{id} 0 obj\n").as_bytes())?;
        w.write_all(body)?;
        w.write_all(b"\nendobj\n")
    };
    // 1 catalog, 2 pages (written last, once the pages are known), 3-6 the font; then a
    // page and its content stream for each page: 7 + 2i, 8 + 2i.
    obj(
        &mut w,
        &mut offsets,
        1,
        b"<< /Type /Catalog /Pages 2 0 R >>",
    )?;
    obj(&mut w, &mut offsets, 3, b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>")?;
    obj(&mut w, &mut offsets, 4, b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /CIDToGIDMap /Identity >>")?;
    obj(&mut w, &mut offsets, 5, b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>")?;
    let mut cmap = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for chunk in chars.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for &c in chunk {
            cmap.push_str(&format!("<{:04X}> <{:04X}>\n", cid(c), c as u32));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    obj(&mut w, &mut offsets, 6, &stream(&cmap))?;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut pending: Vec<String> = Vec::new();
    let mut n = 0u64;
    let mut pages = 0usize;
    while w.1 < target {
        while pending.len() < PAGE_LINES {
            let p: Vec<char> = paragraph(&mut rng, n).chars().collect();
            n += 1;
            pending.extend(p.chunks(LINE_CHARS).map(|c| c.iter().collect::<String>()));
        }
        let body: Vec<String> = pending.drain(..PAGE_LINES).collect();
        let mut content = format!("BT /F1 12 Tf 1 0 0 1 240 800 Tm <{}> Tj ET\n", hex(HEADER));
        for (j, line) in body.iter().enumerate() {
            let y = 770 - 18 * j as i32;
            content.push_str(&format!(
                "BT /F1 14 Tf 1 0 0 1 60 {y} Tm <{}> Tj ET\n",
                hex(line)
            ));
        }
        let number = format!("- {} -", pages + 1);
        content.push_str(&format!(
            "BT /F1 12 Tf 1 0 0 1 280 30 Tm <{}> Tj ET\n",
            hex(&number)
        ));
        let id = 7 + 2 * pages;
        let page = format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>", id + 1);
        obj(&mut w, &mut offsets, id, page.as_bytes())?;
        obj(&mut w, &mut offsets, id + 1, &stream(&content))?;
        pages += 1;
    }
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 7 + 2 * i)).collect();
    obj(
        &mut w,
        &mut offsets,
        2,
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").as_bytes(),
    )?;
    let xref = w.1;
    w.write_all(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes())?;
    for off in &offsets {
        w.write_all(format!("{off:010} 00000 n \n").as_bytes())?;
    }
    w.write_all(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    )?;
    w.flush()?;
    eprintln!("{out}: {pages} pages, {n} paragraphs, {} bytes", xref);
    Ok(())
}

/// A writer that counts the bytes written (the offsets of the cross-reference table).
struct Counted(BufWriter<File>, u64);

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1 += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn stream(content: &str) -> Vec<u8> {
    let mut s = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    s.extend_from_slice(content.as_bytes());
    s.extend_from_slice(b"\nendstream");
    s
}
