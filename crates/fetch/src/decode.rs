//! Content-Encoding decoding as the body streams in, with the size cap applied to the decoded bytes: a gzip or
//! brotli bomb stops at the cap, having allocated at most the cap (plus the decoders' fixed buffers).

use std::io::{self, Write};

use bytes::Bytes;

use crate::error::FetchError;

/// A `Vec` that refuses to grow past `cap`.
struct Capped {
    buf: Vec<u8>,
    cap: usize,
    over: bool,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len().saturating_add(data.len()) > self.cap {
            self.over = true;
            return Err(io::Error::other("body size cap reached"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Kind {
    Identity(Capped),
    Gzip(flate2::write::GzDecoder<Capped>),
    /// HTTP's "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: decided on the first two
    /// bytes.
    Deflate(Capped, Vec<u8>),
    Zlib(flate2::write::ZlibDecoder<Capped>),
    RawDeflate(flate2::write::DeflateDecoder<Capped>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Capped>>),
}

pub(crate) struct Decoder {
    kind: Kind,
    encoding: String,
    limit: u64,
}

impl Decoder {
    /// A decoder for the response's `Content-Encoding` (one of gzip, x-gzip, deflate, br, identity); anything else,
    /// including stacked encodings, is a `BadEncoding`. `reserve` is a size hint for an identity body.
    pub(crate) fn new(content_encoding: Option<&str>, limit: u64, reserve: usize) -> Result<Self, FetchError> {
        let codings: Vec<String> = content_encoding
            .unwrap_or("")
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        let cap = usize::try_from(limit).unwrap_or(usize::MAX);
        let capped = |reserve: usize| Capped {
            buf: Vec::with_capacity(reserve.min(cap)),
            cap,
            over: false,
        };
        let encoding = codings.join(", ");
        let kind = match codings.as_slice() {
            [] => Kind::Identity(capped(reserve)),
            [c] if c == "gzip" || c == "x-gzip" => Kind::Gzip(flate2::write::GzDecoder::new(capped(0))),
            [c] if c == "deflate" => Kind::Deflate(capped(0), Vec::new()),
            [c] if c == "br" => Kind::Brotli(Box::new(brotli_decompressor::DecompressorWriter::new(
                capped(0),
                32 * 1024,
            ))),
            _ => {
                return Err(FetchError::BadEncoding {
                    source: io::Error::new(
                        io::ErrorKind::Unsupported,
                        format!("unsupported content-encoding {encoding}"),
                    ),
                    encoding,
                });
            }
        };
        Ok(Decoder {
            kind,
            encoding: if encoding.is_empty() {
                "identity".into()
            } else {
                encoding
            },
            limit,
        })
    }

    /// Feeds a chunk of the body as received.
    pub(crate) fn write(&mut self, chunk: &[u8]) -> Result<(), FetchError> {
        let r = match &mut self.kind {
            Kind::Identity(w) => w.write_all(chunk),
            Kind::Gzip(w) => w.write_all(chunk),
            Kind::Zlib(w) => w.write_all(chunk),
            Kind::RawDeflate(w) => w.write_all(chunk),
            Kind::Brotli(w) => w.write_all(chunk),
            Kind::Deflate(out, head) => {
                head.extend_from_slice(chunk);
                if head.len() < 2 {
                    return Ok(());
                }
                let out = std::mem::replace(
                    out,
                    Capped {
                        buf: Vec::new(),
                        cap: 0,
                        over: false,
                    },
                );
                let head = std::mem::take(head);
                // A zlib header: compression method 8 and a header checksum divisible by 31 (RFC 1950).
                let zlib = head[0] & 0x0f == 8 && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
                self.kind = if zlib {
                    Kind::Zlib(flate2::write::ZlibDecoder::new(out))
                } else {
                    Kind::RawDeflate(flate2::write::DeflateDecoder::new(out))
                };
                return self.write(&head);
            }
        };
        r.map_err(|e| self.error(e))
    }

    /// Ends the body: checks that the encoded stream is complete and returns the decoded bytes.
    pub(crate) fn finish(self) -> Result<Bytes, FetchError> {
        let Decoder { kind, encoding, limit } = self;
        let fail = |over: bool, source: io::Error| {
            if over {
                FetchError::BodyTooLarge { limit }
            } else {
                FetchError::BadEncoding {
                    encoding: encoding.clone(),
                    source,
                }
            }
        };
        let out = match kind {
            Kind::Identity(w) => w,
            Kind::Gzip(mut w) => match w.try_finish() {
                Ok(()) => w.finish().map_err(|e| fail(false, e))?,
                Err(e) => return Err(fail(w.get_ref().over, e)),
            },
            Kind::Zlib(mut w) => match w.try_finish() {
                Ok(()) => w.finish().map_err(|e| fail(false, e))?,
                Err(e) => return Err(fail(w.get_ref().over, e)),
            },
            Kind::RawDeflate(mut w) => match w.try_finish() {
                Ok(()) => w.finish().map_err(|e| fail(false, e))?,
                Err(e) => return Err(fail(w.get_ref().over, e)),
            },
            Kind::Brotli(mut w) => match w.close() {
                Ok(()) => match w.into_inner() {
                    Ok(out) => out,
                    Err(out) => {
                        return Err(fail(
                            out.over,
                            io::Error::new(io::ErrorKind::InvalidData, "invalid brotli data"),
                        ));
                    }
                },
                Err(e) => return Err(fail(w.get_ref().over, e)),
            },
            Kind::Deflate(_, head) => {
                // Fewer than two bytes: empty is an empty body, one byte is not a deflate stream.
                if head.is_empty() {
                    return Ok(Bytes::new());
                }
                return Err(fail(
                    false,
                    io::Error::new(io::ErrorKind::UnexpectedEof, "truncated deflate stream"),
                ));
            }
        };
        Ok(Bytes::from(out.buf))
    }

    fn error(&self, source: io::Error) -> FetchError {
        let over = match &self.kind {
            Kind::Identity(w) | Kind::Deflate(w, _) => w.over,
            Kind::Gzip(w) => w.get_ref().over,
            Kind::Zlib(w) => w.get_ref().over,
            Kind::RawDeflate(w) => w.get_ref().over,
            Kind::Brotli(w) => w.get_ref().over,
        };
        if over {
            FetchError::BodyTooLarge { limit: self.limit }
        } else {
            FetchError::BadEncoding {
                encoding: self.encoding.clone(),
                source,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;

    fn decode(encoding: Option<&str>, body: &[u8], limit: u64, chunk: usize) -> Result<Vec<u8>, FetchError> {
        let mut d = Decoder::new(encoding, limit, 0)?;
        for c in body.chunks(chunk.max(1)) {
            d.write(c)?;
        }
        Ok(d.finish()?.to_vec())
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_encoding_decodes_in_any_chunking() {
        let text = b"livebrief decodes what it asked for. ".repeat(50);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&text).unwrap();
        let zlib = z.finish().unwrap();
        let mut r = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        r.write_all(&text).unwrap();
        let raw = r.finish().unwrap();
        for chunk in [1, 2, 7, 4096] {
            assert_eq!(decode(None, &text, 1 << 20, chunk).unwrap(), text);
            assert_eq!(decode(Some("gzip"), &gzip(&text), 1 << 20, chunk).unwrap(), text);
            assert_eq!(decode(Some("X-Gzip"), &gzip(&text), 1 << 20, chunk).unwrap(), text);
            assert_eq!(decode(Some("deflate"), &zlib, 1 << 20, chunk).unwrap(), text);
            assert_eq!(decode(Some("deflate"), &raw, 1 << 20, chunk).unwrap(), text);
            assert_eq!(decode(Some("identity"), &text, 1 << 20, chunk).unwrap(), text);
        }
    }

    #[test]
    fn the_cap_applies_to_the_decoded_size() {
        let zeros = vec![0u8; 4 << 20];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < 64 * 1024);
        let e = decode(Some("gzip"), &bomb, 1 << 20, 8192).unwrap_err();
        assert!(
            matches!(e, FetchError::BodyTooLarge { limit } if limit == 1 << 20),
            "{e:?}"
        );
        assert_eq!(
            decode(None, &[1; 11], 10, 4).unwrap_err().to_string(),
            "body larger than 10 bytes"
        );
        assert_eq!(decode(None, &[1; 10], 10, 4).unwrap(), vec![1; 10]);
    }

    #[test]
    fn truncated_corrupt_and_unknown_encodings_are_bad_encoding() {
        let text = b"some text that compresses. ".repeat(20);
        let gz = gzip(&text);
        for (enc, body) in [
            ("gzip", &gz[..gz.len() - 4]),
            ("gzip", &b"not gzip at all"[..]),
            ("br", &b"\xff\xff\xff\xff not brotli"[..]),
            ("deflate", &b"x"[..]),
            ("zstd", &b"whatever"[..]),
            ("gzip, br", &gz[..]),
        ] {
            let e = decode(Some(enc), body, 1 << 20, 5).unwrap_err();
            assert!(matches!(e, FetchError::BadEncoding { .. }), "{enc}: {e:?}");
        }
        assert_eq!(decode(Some("deflate"), b"", 10, 1).unwrap(), b"");
    }
}
