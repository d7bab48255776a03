//! The reference GB 18030 scanner: one byte at a time through an enum of pending bytes.
//!
//! Nothing here is clever, on purpose: it is the implementation the fast one is checked
//! against, and it reads like `docs/gb18030.md`, "Byte grammar" and "Malformed input".

use super::grammar::{four_byte_pointer, is_assigned_four_byte, two_byte_pointer};
use super::Visitor;
use crate::finding::{Cause, Finding, Rule};
use crate::mapping::{decode_four_byte, decode_two_byte};

/// The bytes of an unfinished sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between sequences.
    Initial,
    /// A lead byte.
    Lead(u8),
    /// A lead byte and a digit.
    LeadDigit(u8, u8),
    /// A lead byte, a digit and a third byte.
    LeadDigitThird(u8, u8, u8),
}

/// The reference scanner. Feed it bytes, then call [`Reference::finish`].
#[derive(Clone, Debug)]
pub struct Reference {
    state: State,
    /// Offset of the first pending byte.
    start: u64,
    /// Offset of the next byte fed.
    offset: u64,
}

impl Default for Reference {
    fn default() -> Self {
        Reference::new()
    }
}

impl Reference {
    /// A scanner at offset 0.
    pub fn new() -> Reference {
        Reference { state: State::Initial, start: 0, offset: 0 }
    }

    /// Scans the next bytes of the input.
    pub fn feed<V: Visitor>(&mut self, bytes: &[u8], visitor: &mut V) {
        for &byte in bytes {
            let at = self.offset;
            self.push(byte, at, visitor);
            self.offset += 1;
        }
    }

    /// Ends the input: pending bytes are a truncated sequence (GB002).
    pub fn finish<V: Visitor>(&mut self, visitor: &mut V) {
        let pending = match self.state {
            State::Initial => 0,
            State::Lead(..) => 1,
            State::LeadDigit(..) => 2,
            State::LeadDigitThird(..) => 3,
        };
        if pending > 0 {
            visitor.finding(Finding::bytes(Rule::TruncatedSequence, self.start, pending, Cause::Truncated));
        }
        self.state = State::Initial;
    }

    fn push<V: Visitor>(&mut self, byte: u8, at: u64, visitor: &mut V) {
        match self.state {
            State::Initial => match byte {
                0x00..=0x7F => visitor.char(at, 1, char::from(byte)),
                0x81..=0xFE => {
                    self.state = State::Lead(byte);
                    self.start = at;
                }
                // 0x80 and 0xFF
                _ => visitor.finding(Finding::bytes(Rule::InvalidSequence, at, 1, Cause::BadLead(byte))),
            },
            State::Lead(lead) => match byte {
                0x30..=0x39 => self.state = State::LeadDigit(lead, byte),
                0x40..=0x7E | 0x80..=0xFE => {
                    self.state = State::Initial;
                    let c = decode_two_byte(two_byte_pointer(lead, byte));
                    visitor.char(self.start, 2, c);
                }
                0x00..=0x7F => {
                    // The lead alone is malformed; the ASCII byte is read again.
                    self.state = State::Initial;
                    visitor.finding(Finding::bytes(
                        Rule::InvalidSequence,
                        self.start,
                        1,
                        Cause::BadSecond(byte),
                    ));
                    self.push(byte, at, visitor);
                }
                // 0xFF is swallowed with the lead.
                _ => {
                    self.state = State::Initial;
                    visitor.finding(Finding::bytes(
                        Rule::InvalidSequence,
                        self.start,
                        2,
                        Cause::BadSecond(byte),
                    ));
                }
            },
            State::LeadDigit(lead, digit) => match byte {
                0x81..=0xFE => self.state = State::LeadDigitThird(lead, digit, byte),
                _ => {
                    // The lead alone is malformed; the digit and this byte are read again.
                    self.state = State::Initial;
                    let start = self.start;
                    visitor.finding(Finding::bytes(Rule::InvalidSequence, start, 1, Cause::BadThird(byte)));
                    self.push(digit, start + 1, visitor);
                    self.push(byte, at, visitor);
                }
            },
            State::LeadDigitThird(lead, digit, third) => match byte {
                0x30..=0x39 => {
                    self.state = State::Initial;
                    let pointer = four_byte_pointer(lead, digit, third, byte);
                    match decode_four_byte(pointer) {
                        Some(c) if is_assigned_four_byte(pointer) => visitor.char(self.start, 4, c),
                        _ => visitor.finding(Finding::bytes(
                            Rule::UnassignedCode,
                            self.start,
                            4,
                            Cause::Reserved { pointer },
                        )),
                    }
                }
                _ => {
                    // The lead alone is malformed; the digit, the third byte and this byte are
                    // read again.
                    self.state = State::Initial;
                    let start = self.start;
                    visitor.finding(Finding::bytes(Rule::InvalidSequence, start, 1, Cause::BadFourth(byte)));
                    self.push(digit, start + 1, visitor);
                    self.push(third, start + 2, visitor);
                    self.push(byte, at, visitor);
                }
            },
        }
    }
}
