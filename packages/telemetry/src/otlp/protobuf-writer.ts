/**
 * The protobuf wire format, written forward into one growing buffer: just
 * what OTLP's trace messages need (varints, fixed 32/64-bit numbers,
 * doubles, strings, bytes from hex, nested messages).
 *
 * A nested message's length is not known until its content is written, so
 * `begin` reserves one byte for it and `end` writes it there, moving the
 * content along in the rare case the length needs more than one byte. One
 * pass, where a writer that sizes first walks every message twice.
 */
export class ProtobufWriter {
  #buffer: Buffer;
  /** Where the next byte goes. */
  position = 0;

  constructor(initialBytes = 4096) {
    this.#buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.position);
  }

  /** Room for `bytes` more bytes. */
  reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.position);
    this.#buffer = grown;
  }

  /** A field's key: its number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** An unsigned varint, or a negative integer as the ten bytes of its 64-bit two's complement. */
  varint(value: number): void {
    this.reserve(10);
    const buffer = this.#buffer;
    if (value >= 0 && value <= 0xffff_ffff) {
      let v = value >>> 0;
      while (v > 127) {
        buffer[this.position++] = (v & 127) | 128;
        v >>>= 7;
      }
      buffer[this.position++] = v;
      return;
    }
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = Math.floor(magnitude / 0x1_0000_0000) >>> 0;
    if (value < 0) {
      // Two's complement of the 64-bit magnitude.
      high = ~high >>> 0;
      low = ~low >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 127) {
      buffer[this.position++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[this.position++] = low;
  }

  fixed32(value: number): void {
    this.reserve(4);
    this.#buffer.writeUInt32LE(value >>> 0, this.position);
    this.position += 4;
  }

  /** A fixed64 from its low and high 32 bits. */
  fixed64(low: number, high: number): void {
    this.reserve(8);
    this.#buffer.writeUInt32LE(low >>> 0, this.position);
    this.#buffer.writeUInt32LE(high >>> 0, this.position + 4);
    this.position += 8;
  }

  double(value: number): void {
    this.reserve(8);
    this.#buffer.writeDoubleLE(value, this.position);
    this.position += 8;
  }

  /** A length-delimited UTF-8 string. */
  string(value: string): void {
    const length = value.length;
    if (length < 128) {
      // Most strings here are short and ASCII: copied by hand, which costs
      // less than a call into the native UTF-8 encoder.
      this.reserve(length * 3 + 1);
      const buffer = this.#buffer;
      const start = this.position + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        buffer[this.position] = length;
        this.position = start + length;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.reserve(bytes);
    this.position += this.#buffer.write(value, this.position, 'utf8');
  }

  /** Length-delimited bytes given as lower-case hex (trace and span ids, as the API holds them). */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    this.varint(length);
    this.reserve(length);
    const buffer = this.#buffer;
    let at = this.position;
    for (let i = 0; i < hex.length; i += 2) {
      buffer[at++] =
        ((HEX_VALUE[hex.charCodeAt(i)] as number) << 4) | (HEX_VALUE[hex.charCodeAt(i + 1)] as number);
    }
    this.position = at;
  }

  /** Length-delimited raw bytes. */
  rawBytes(value: Uint8Array): void {
    this.varint(value.length);
    this.append(value);
  }

  /** Bytes that are already a valid run of fields, as they are. */
  append(value: Uint8Array): void {
    this.reserve(value.length);
    this.#buffer.set(value, this.position);
    this.position += value.length;
  }

  /** Starts a nested message (after its tag); returns what `end` needs. */
  begin(): number {
    this.reserve(1);
    return this.position++;
  }

  /** Ends the nested message `begin` started, writing its length before it. */
  end(start: number): void {
    const length = this.position - start - 1;
    if (length < 128) {
      this.#buffer[start] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    // With room for the longest varint too, so writing it below never grows (and copies) the buffer.
    this.reserve(extra + 10);
    this.#buffer.copy(this.#buffer, start + 1 + extra, start + 1, this.position);
    this.position = start;
    this.varint(length);
    this.position += length;
  }
}

/** The value of each hex digit by its character code (ids are lower-case; upper-case is read too). */
const HEX_VALUE = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < 16; i++) {
    table['0123456789abcdef'.charCodeAt(i)] = i;
    table['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return table;
})();

/** Bytes a varint of a non-negative value takes. */
function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}
