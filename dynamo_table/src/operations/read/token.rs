//! Page tokens: a cursor as an opaque, URL-safe string a web API can hand to its client, and
//! the fingerprint that binds a cursor to the query it came from.
//!
//! Layout (then base64url without padding): version (1 byte), flags (1: bit 0 = signed), the
//! query's fingerprint (16), the table and index names, the key attributes (name, type, value),
//! then, when signed, an HMAC-SHA256 tag (32) over everything before it.

use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{Error, InvalidReason, Result};

/// The token format this version writes and reads.
pub(crate) const TOKEN_VERSION: u8 = 1;
const SIGNED: u8 = 1;
const TAG_BYTES: usize = 32;
/// The longest token accepted (a key is at most 2 KB + 1 KB, plus names): refuse anything
/// larger before decoding it.
const MAX_TOKEN_CHARS: usize = 16 * 1024;

/// A fingerprint of a query: what it reads, and in which order.
pub(crate) type QueryFingerprint = [u8; 16];

/// The parts of a cursor that a token carries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenParts {
    pub table: String,
    pub index: Option<String>,
    pub key: HashMap<String, AttributeValue>,
    pub query: QueryFingerprint,
    pub signature: Option<[u8; TAG_BYTES]>,
}

/// Canonical bytes of a value: type-tagged and length-prefixed, map keys sorted.
pub(crate) fn push_value(out: &mut Vec<u8>, value: &AttributeValue) {
    let mut part = |tag: u8, bytes: &[u8]| {
        out.push(tag);
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    match value {
        AttributeValue::S(s) => part(1, s.as_bytes()),
        AttributeValue::N(n) => part(2, n.as_bytes()),
        AttributeValue::B(b) => part(3, b.as_ref()),
        AttributeValue::Bool(b) => part(4, &[u8::from(*b)]),
        AttributeValue::Null(_) => part(5, &[]),
        AttributeValue::L(list) => {
            part(6, &(list.len() as u64).to_le_bytes());
            list.iter().for_each(|v| push_value(out, v));
        }
        AttributeValue::M(map) => {
            part(7, &(map.len() as u64).to_le_bytes());
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for key in keys {
                out.extend_from_slice(&(key.len() as u64).to_le_bytes());
                out.extend_from_slice(key.as_bytes());
                if let Some(v) = map.get(key) {
                    push_value(out, v);
                }
            }
        }
        AttributeValue::Ss(set) => set.iter().for_each(|s| part(8, s.as_bytes())),
        AttributeValue::Ns(set) => set.iter().for_each(|n| part(9, n.as_bytes())),
        AttributeValue::Bs(set) => set.iter().for_each(|b| part(10, b.as_ref())),
        other => part(11, format!("{other:?}").as_bytes()),
    }
}

/// The first 16 bytes of SHA-256 over `bytes`.
pub(crate) fn fingerprint(bytes: &[u8]) -> QueryFingerprint {
    let digest = Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The token's bytes before the signature.
fn body(parts: &TokenParts) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.push(TOKEN_VERSION);
    out.push(if parts.signature.is_some() { SIGNED } else { 0 });
    out.extend_from_slice(&parts.query);
    push_text(&mut out, &parts.table);
    push_text(&mut out, parts.index.as_deref().unwrap_or(""));
    let mut names: Vec<&String> = parts.key.keys().collect();
    names.sort();
    out.push(u8::try_from(names.len()).unwrap_or(u8::MAX));
    for name in names {
        push_text(&mut out, name);
        let (tag, bytes): (u8, &[u8]) = match &parts.key[name] {
            AttributeValue::S(s) => (1, s.as_bytes()),
            AttributeValue::N(n) => (2, n.as_bytes()),
            AttributeValue::B(b) => (3, b.as_ref()),
            // Keys are S, N or B: nothing else reaches a cursor.
            _ => (0, &[]),
        };
        out.push(tag);
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
}

/// The HMAC-SHA256 tag of a token's body under `key`.
fn tag(key: &[u8], body: &[u8]) -> [u8; TAG_BYTES] {
    let mut out = [0u8; TAG_BYTES];
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        mac.update(body);
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// The signature a cursor gets from a client with a token key: a tag over the body of the
/// token as signed.
pub(crate) fn sign(key: &[u8], parts: &TokenParts) -> [u8; TAG_BYTES] {
    let signed = TokenParts {
        signature: Some([0; TAG_BYTES]),
        ..parts.clone()
    };
    tag(key, &body(&signed))
}

/// Checks the signature of `parts` against the client's key: a client with a key accepts only
/// tokens it signed; a client without one accepts only unsigned tokens.
pub(crate) fn verify(key: Option<&[u8]>, parts: &TokenParts) -> Result<()> {
    let refuse = |message: &str| Err(Error::invalid(InvalidReason::TokenSignature, message));
    match (key, parts.signature) {
        (None, None) => Ok(()),
        (Some(key), Some(signature)) => {
            // The body marks the token signed, as when it was signed; the MAC compares the tags
            // in constant time.
            match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(&body(parts));
                    if mac.verify_slice(&signature).is_ok() {
                        Ok(())
                    } else {
                        refuse(
                            "this page token's signature does not match: it was altered, or \
                             signed with another key; ask for the first page again",
                        )
                    }
                }
                Err(_) => refuse("the client's token key is unusable"),
            }
        }
        (Some(_), None) => refuse(
            "this page token is not signed, and the client signs its tokens \
             (`with_token_key`): only tokens it handed out resume its queries",
        ),
        (None, Some(_)) => refuse(
            "this page token is signed, and the client has no token key to check it: set the \
             same key with `DynamoClient::with_token_key`",
        ),
    }
}

/// The token string of a cursor.
pub(crate) fn encode(parts: &TokenParts) -> String {
    let mut bytes = body(parts);
    if let Some(signature) = parts.signature {
        bytes.extend_from_slice(&signature);
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A cursor's parts from its token, or why the token is not one.
pub(crate) fn decode(token: &str) -> Result<TokenParts> {
    let malformed = || {
        Error::invalid(
            InvalidReason::TokenMalformed,
            "this page token is not one dynamo_table handed out (it does not decode): pass the \
             token of a page unchanged, or ask for the first page again",
        )
    };
    if token.len() > MAX_TOKEN_CHARS {
        return Err(malformed());
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| malformed())?;
    let mut reader = Reader {
        bytes: &bytes,
        at: 0,
    };
    let version = reader.byte().ok_or_else(malformed)?;
    if version != TOKEN_VERSION {
        return Err(Error::invalid(
            InvalidReason::TokenVersion,
            format!(
                "this page token has format version {version}, and this version of dynamo_table \
                 reads version {TOKEN_VERSION}: ask for the first page again"
            ),
        ));
    }
    let flags = reader.byte().ok_or_else(malformed)?;
    if flags & !SIGNED != 0 {
        return Err(malformed());
    }
    let query: QueryFingerprint = reader.array().ok_or_else(malformed)?;
    let table = reader.text().ok_or_else(malformed)?;
    let index = reader.text().ok_or_else(malformed)?;
    let count = reader.byte().ok_or_else(malformed)?;
    let mut key = HashMap::with_capacity(usize::from(count));
    for _ in 0..count {
        let name = reader.text().ok_or_else(malformed)?;
        let tag = reader.byte().ok_or_else(malformed)?;
        let len = u32::from_le_bytes(reader.array().ok_or_else(malformed)?);
        let value = reader
            .take(usize::try_from(len).map_err(|_| malformed())?)
            .ok_or_else(malformed)?;
        let value = match tag {
            1 => AttributeValue::S(String::from_utf8(value.to_vec()).map_err(|_| malformed())?),
            2 => AttributeValue::N(String::from_utf8(value.to_vec()).map_err(|_| malformed())?),
            3 => AttributeValue::B(Blob::new(value.to_vec())),
            _ => return Err(malformed()),
        };
        if key.insert(name, value).is_some() {
            return Err(malformed());
        }
    }
    let signature = if flags & SIGNED != 0 {
        Some(reader.array::<TAG_BYTES>().ok_or_else(malformed)?)
    } else {
        None
    };
    if reader.at != bytes.len() || table.is_empty() || key.is_empty() {
        return Err(malformed());
    }
    Ok(TokenParts {
        table,
        index: (!index.is_empty()).then_some(index),
        key,
        query,
        signature,
    })
}

/// Reads a token's bytes front to back; `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn text(&mut self) -> Option<String> {
        let len = u16::from_le_bytes(self.array()?);
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> TokenParts {
        TokenParts {
            table: "orders".into(),
            index: Some("by_status".into()),
            key: HashMap::from([
                ("user_id".to_owned(), AttributeValue::S("u1".into())),
                ("n".to_owned(), AttributeValue::N("7".into())),
                ("b".to_owned(), AttributeValue::B(Blob::new(vec![0, 255]))),
            ]),
            query: [7; 16],
            signature: None,
        }
    }

    #[test]
    fn tokens_round_trip_and_are_url_safe() {
        let unsigned = parts();
        let token = encode(&unsigned);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(decode(&token).unwrap(), unsigned);
        let signed = TokenParts {
            signature: Some(sign(b"secret", &unsigned)),
            ..unsigned
        };
        let decoded = decode(&encode(&signed)).unwrap();
        assert_eq!(decoded, signed);
        assert!(verify(Some(b"secret"), &decoded).is_ok());
    }

    #[test]
    fn every_token_error_has_its_reason() {
        let reason = |token: &str| decode(token).unwrap_err().invalid_reason();
        assert_eq!(reason("not a token!"), Some(InvalidReason::TokenMalformed));
        assert_eq!(reason(""), Some(InvalidReason::TokenMalformed));
        let mut bytes = URL_SAFE_NO_PAD.decode(encode(&parts())).unwrap();
        bytes[0] = 9;
        assert_eq!(
            reason(&URL_SAFE_NO_PAD.encode(&bytes)),
            Some(InvalidReason::TokenVersion)
        );
        bytes[0] = TOKEN_VERSION;
        bytes.pop();
        assert_eq!(
            reason(&URL_SAFE_NO_PAD.encode(&bytes)),
            Some(InvalidReason::TokenMalformed)
        );

        let signed = TokenParts {
            signature: Some(sign(b"secret", &parts())),
            ..parts()
        };
        let mut tampered = decode(&encode(&signed)).unwrap();
        tampered
            .key
            .insert("user_id".into(), AttributeValue::S("u2".into()));
        let bad = |key: Option<&[u8]>, p: &TokenParts| verify(key, p).unwrap_err().invalid_reason();
        assert_eq!(
            bad(Some(b"secret"), &tampered),
            Some(InvalidReason::TokenSignature)
        );
        assert_eq!(
            bad(Some(b"other"), &signed),
            Some(InvalidReason::TokenSignature)
        );
        assert_eq!(
            bad(Some(b"secret"), &parts()),
            Some(InvalidReason::TokenSignature)
        );
        assert_eq!(bad(None, &signed), Some(InvalidReason::TokenSignature));
    }
}
