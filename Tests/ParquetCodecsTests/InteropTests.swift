import Foundation
import Testing
import ParquetCodecs

/// Checks against independent implementations: zlib and pyarrow (Arrow C++) through python3,
/// and the compressed pages of the parquet-testing files in /work/shared/vectors/parquet.
@Suite(.enabled(if: Python.isAvailable, "needs python3 with pyarrow"))
struct InteropTests {
    struct Blob: Decodable {
        var name: String
        var codec: String
        var raw: String
        var compressed: String
    }

    @Test func decompressesWhatPyarrowAndZlibWrite() throws {
        let blobs = try Python.jsonLines(Blob.self, Self.foreignBlobsScript)
        #expect(blobs.count >= 30)
        for blob in blobs {
            let codec = try #require(PageCodec(testName: blob.codec))
            let raw = Hex.decode(blob.raw)
            let restored = try decompress(codec, Hex.decode(blob.compressed), size: raw.count)
            #expect(restored == raw, "\(blob.name)")
        }
    }

    @Test func pyarrowDecompressesWhatWeWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("codecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var expectedNames: [String] = []
        for codec in PageCodec.allCases {
            for (index, sample) in Samples.roundTrip.enumerated() where !sample.bytes.isEmpty {
                let name = "\(codec)-\(index)"
                try Data(sample.bytes).write(to: directory.appendingPathComponent(name + ".raw"))
                try Data(try Codecs.compress(codec, sample.bytes)).write(to: directory.appendingPathComponent(name + ".\(codec)"))
                expectedNames.append(name)
            }
        }
        let verdicts = try Python.run(Self.checkOurBlobsScript, arguments: [directory.path])
            .split(separator: "\n").map(String.init)
        #expect(verdicts.sorted() == expectedNames.sorted().map { "ok \($0)" })
    }

    struct Page: Decodable {
        var file: String
        var codec: String
        var size: Int
        var compressed: String
        var expected: String
    }

    @Test func decompressesEveryPageOfTheParquetTestingFiles() throws {
        // CI lays shared/ beside the clone: <repo>/../shared (STRONGROOM_VECTORS overrides).
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            ProcessInfo.processInfo.environment["STRONGROOM_VECTORS"].map { URL(fileURLWithPath: $0).appendingPathComponent("parquet/plain") },
            root.appendingPathComponent("../shared/vectors/parquet/plain").standardizedFileURL,
            root.appendingPathComponent("../../shared/vectors/parquet/plain").standardizedFileURL,
        ].compactMap { $0 }
        let directory = candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".parquet") }.sorted().map { directory.appendingPathComponent($0).path }
        try #require(!files.isEmpty, "no vectors in \(directory.path)")
        let pages = try Python.jsonLines(Page.self, Self.parquetPagesScript, arguments: files)
        var seen: Set<String> = []
        for page in pages {
            let codec = try #require(PageCodec(testName: page.codec))
            let restored = try decompress(codec, Hex.decode(page.compressed), size: page.size)
            #expect(restored == Hex.decode(page.expected), "\(page.file)")
            seen.insert(page.file)
        }
        // The files that exercise the codec quirks must be among them.
        for name in ["concatenated_gzip_members.parquet", "hadoop_lz4_compressed.parquet", "non_hadoop_lz4_compressed.parquet",
                     "lz4_raw_compressed.parquet", "page_v2_empty_compressed.parquet", "datapage_v2_empty_datapage.snappy.parquet"] {
            #expect(seen.contains(name), "\(name)")
        }
    }
}

extension InteropTests {
    /// Writes JSON lines {name, codec, raw, compressed} made by pyarrow and python's zlib/gzip.
    static let foreignBlobsScript = #"""
import json, random, zlib, gzip, pyarrow as pa
rng = random.Random(7)
words = [b'alpha', b'beta', b'gamma', b'delta']
text = b''.join(rng.choice(words) + str(rng.randrange(1000)).encode() for _ in range(40000))
samples = {'empty': b'', 'byte': b'x', 'random': bytes(rng.randrange(256) for _ in range(20000)), 'text': text}
def emit(name, codec, raw, comp):
    print(json.dumps({'name': name, 'codec': codec, 'raw': raw.hex(), 'compressed': comp.hex()}))
for sname, raw in samples.items():
    for codec, pa_name, levels in [('snappy', 'snappy', [None]), ('zstd', 'zstd', [None, 1, 19]),
                                   ('brotli', 'brotli', [None, 1, 11]), ('lz4Raw', 'lz4_raw', [None]),
                                   ('gzip', 'gzip', [None, 1, 9])]:
        for level in levels:
            comp = pa.Codec(pa_name, compression_level=level).compress(raw, asbytes=True)
            emit('pyarrow %s level %s %s' % (pa_name, level, sname), codec, raw, comp)
    emit('python gzip ' + sname, 'gzip', raw, gzip.compress(raw))
    emit('python zlib-wrapped ' + sname, 'gzip', raw, zlib.compress(raw))
    emit('python stored deflate ' + sname, 'gzip', raw, gzip.compress(raw, compresslevel=0))
    half = len(raw) // 2
    emit('python two gzip members ' + sname, 'gzip', raw, gzip.compress(raw[:half]) + gzip.compress(raw[half:]))
    emit('python three gzip members ' + sname, 'gzip', raw, gzip.compress(raw[:1]) + gzip.compress(b'') + gzip.compress(raw[1:]))
"""#

    /// Prints "ok NAME" for each NAME.raw whose NAME.<codec> pyarrow (or zlib) decompresses to it.
    static let checkOurBlobsScript = #"""
import os, sys, struct, gzip, pyarrow as pa
d = sys.argv[1]
names = {'snappy': 'snappy', 'zstd': 'zstd', 'brotli': 'brotli', 'lz4Raw': 'lz4_raw', 'gzip': 'gzip'}
for f in sorted(os.listdir(d)):
    stem, codec = f.rsplit('.', 1)
    if codec == 'raw': continue
    raw = open(os.path.join(d, stem + '.raw'), 'rb').read()
    comp = open(os.path.join(d, f), 'rb').read()
    if codec == 'lz4Hadoop':
        size, clen = struct.unpack_from('>II', comp)
        ok = size == len(raw) and clen == len(comp) - 8 and \
            pa.decompress(comp[8:], decompressed_size=size, codec='lz4_raw', asbytes=True) == raw
    else:
        ok = pa.decompress(comp, decompressed_size=len(raw), codec=names[codec], asbytes=True) == raw
        if codec == 'gzip': ok = ok and gzip.decompress(comp) == raw
    print(('ok ' if ok else 'FAIL ') + stem)
"""#

    /// Walks the footer and page headers (thrift compact protocol) of each file and prints every
    /// compressed page body with the bytes zlib / pyarrow decompress it to.
    static let parquetPagesScript = #"""
# Lists every compressed page of the Parquet files given as arguments, with the bytes
# that an independent decoder (zlib, pyarrow) produces, as JSON lines.
import sys, json, zlib, struct, pyarrow as pa

class Reader:
    def __init__(self, b, pos=0): self.b, self.pos = b, pos
    def byte(self):
        v = self.b[self.pos]; self.pos += 1; return v
    def varint(self):
        shift = result = 0
        while True:
            v = self.byte(); result |= (v & 0x7f) << shift; shift += 7
            if v < 0x80: return result
    def zigzag(self):
        v = self.varint(); return (v >> 1) ^ -(v & 1)
    def value(self, t):
        if t == 1: return True
        if t == 2: return False
        if t == 3: return self.byte()
        if t in (4, 5, 6): return self.zigzag()
        if t == 7: self.pos += 8; return None
        if t == 8:
            n = self.varint(); v = self.b[self.pos:self.pos + n]; self.pos += n; return v
        if t in (9, 10):
            h = self.byte(); n = h >> 4
            if n == 15: n = self.varint()
            et = h & 15
            return [self.elem(et) for _ in range(n)]
        if t == 11:
            n = self.varint()
            if n == 0: return {}
            kv = self.byte()
            return [(self.elem(kv >> 4), self.elem(kv & 15)) for _ in range(n)]
        if t == 12: return self.struct()
        raise ValueError('type %d' % t)
    def elem(self, t):
        if t in (1, 2): return self.byte() == 1
        return self.value(t)
    def struct(self):
        out, last = {}, 0
        while True:
            h = self.byte()
            if h == 0: return out
            t, d = h & 15, h >> 4
            fid = last + d if d else self.zigzag()
            out[fid] = self.value(t); last = fid

NAMES = {1: 'snappy', 2: 'gzip', 4: 'brotli', 5: 'lz4Hadoop', 6: 'zstd', 7: 'lz4Raw'}

def gunzip_members(data):
    out = b''
    while data:
        d = zlib.decompressobj(47); out += d.decompress(data) + d.flush(); data = d.unused_data
    return out

def hadoop(data, size):
    out, pos = b'', 0
    try:
        while pos < len(data):
            raw, comp = struct.unpack_from('>II', data, pos); pos += 8
            out += pa.decompress(data[pos:pos + comp], decompressed_size=raw, codec='lz4_raw', asbytes=True); pos += comp
        if len(out) == size: return out
    except Exception: pass
    return pa.decompress(data, decompressed_size=size, codec='lz4_raw', asbytes=True)

def expected(codec, data, size):
    if size == 0 and not data: return b""
    if codec == 'gzip': return gunzip_members(data)
    if codec == 'lz4Hadoop': return hadoop(data, size)
    if size == 0 and codec == 'zstd':
        # pyarrow needs a non-empty output buffer; the README says this stream holds no bytes
        return b''
    name = {'lz4Raw': 'lz4_raw'}.get(codec, codec)
    return pa.decompress(data, decompressed_size=size, codec=name, asbytes=True)

for path in sys.argv[1:]:
    b = open(path, 'rb').read()
    (flen,) = struct.unpack_from('<I', b, len(b) - 8)
    meta = Reader(b, len(b) - 8 - flen).struct()
    for rg in meta.get(4, []):
        for chunk in rg.get(1, []):
            cm = chunk.get(3)
            if not cm or cm.get(4) not in NAMES: continue
            codec = NAMES[cm[4]]
            start = cm.get(11) or cm[9]
            if cm.get(11) is not None and cm[11] > 0: start = min(cm[11], cm[9])
            end, pos = start + cm[7], start
            while pos < end:
                r = Reader(b, pos); h = r.struct()
                body = b[r.pos:r.pos + h[3]]; pos = r.pos + h[3]
                usize = h[2]
                if 8 in h:
                    v2 = h[8]; lv = v2.get(5, 0) + v2.get(6, 0)
                    if v2.get(7, True) is False: continue
                    body, usize = body[lv:], usize - lv
                print(json.dumps({'file': path.rsplit('/', 1)[-1], 'codec': codec, 'size': usize,
                                  'compressed': body.hex(), 'expected': expected(codec, body, usize).hex()}))
"""#
}
