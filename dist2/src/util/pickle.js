// A restricted reader of Python pickles (protocols 0-5, the opcodes torch.save writes). Nothing in the
// file is ever executed: a GLOBAL opcode names a Python callable, and the reader resolves it through
// the caller's allowlist (`resolveGlobal`), refusing any other name with an error that gives it. This is
// what makes reading a downloaded checkpoint safe, where Python's pickle.load would run whatever the
// file asks for (os.system included).
//
// Python values map to: None → null, bool → boolean, int → number (bigint beyond 2^53), float → number,
// str → string, bytes → Uint8Array, list and tuple → array, dict → Map. Objects built by allowed callables
// are whatever the resolver's functions return.
export class UnpicklingError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UnpicklingError';
    }
}
const MARK = Symbol('mark');
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const ATTRIBUTES = new WeakMap();
/**
 * The Python instance attributes BUILD gave a dict (an OrderedDict state dict's `_metadata`), if any. They
 * are not items of the dict.
 */
export function pythonAttributes(obj) {
    return ATTRIBUTES.get(obj);
}
/**
 * A Python 2 str read as Python 3 does with encoding='latin1': one character per byte, code point = byte (a
 * numpy array's raw data survives; TextDecoder's 'latin1' is windows-1252 and would change bytes 0x80-0x9f).
 */
function latin1(bytes) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192)
        text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return text;
}
/** The bytes of a string whose code points are all below 256 (Python's str.encode('latin1')); undefined otherwise. */
export function latin1Bytes(text) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 255)
            return undefined;
        bytes[i] = c;
    }
    return bytes;
}
/** Reads one pickle starting at `offset`; returns its value and the offset after its STOP opcode. */
export function unpickle(bytes, options, offset = 0) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const stack = [];
    const memo = new Map();
    let pos = offset;
    const fail = (what) => {
        throw new UnpicklingError(`${what} (pickle byte ${pos})`);
    };
    const need = (n) => {
        if (n < 0 || pos + n > bytes.length)
            fail('truncated pickle');
        const at = pos;
        pos += n;
        return at;
    };
    const u8 = () => bytes[need(1)];
    const u16 = () => view.getUint16(need(2), true);
    const u32 = () => view.getUint32(need(4), true);
    const i32 = () => view.getInt32(need(4), true);
    const u64 = () => {
        const v = view.getBigUint64(need(8), true);
        if (v > BigInt(bytes.length))
            fail('length beyond the end of the file');
        return Number(v);
    };
    const raw = (n) => bytes.subarray(need(n), pos);
    const text = (n) => {
        try {
            return decoder.decode(raw(n));
        }
        catch {
            return fail('invalid UTF-8 in a string');
        }
    };
    const line = () => {
        const end = bytes.indexOf(0x0a, pos);
        if (end < 0)
            fail('truncated pickle (no end of line)');
        const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
        pos = end + 1;
        return s;
    };
    const pop = () => {
        if (stack.length === 0)
            fail('stack underflow');
        return stack.pop();
    };
    const top = () => {
        if (stack.length === 0)
            fail('stack underflow');
        return stack[stack.length - 1];
    };
    const popMark = () => {
        const i = stack.lastIndexOf(MARK);
        if (i < 0)
            fail('no MARK on the stack');
        const items = stack.splice(i);
        items.shift();
        return items;
    };
    /** Little-endian two's-complement integer of n bytes (LONG1 / LONG4), in time linear in n. */
    const long = (n) => {
        const b = raw(n);
        if (n === 0)
            return 0;
        let hex = '';
        for (let i = b.length - 1; i >= 0; i--)
            hex += HEX[b[i]];
        let v = BigInt(`0x${hex}`);
        if (b[n - 1] & 0x80)
            v -= 1n << BigInt(8 * n);
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    };
    const call = (fn, args) => {
        if (typeof fn !== 'function')
            fail('a pickle called something that is not an allowed callable');
        if (!Array.isArray(args))
            fail('call arguments are not a tuple');
        return fn(args);
    };
    const setItems = (dict, items) => {
        if (!(dict instanceof Map))
            fail('SETITEMS on something that is not a dict');
        if (items.length % 2 !== 0)
            fail('SETITEMS with an odd number of items');
        for (let i = 0; i < items.length; i += 2)
            dict.set(items[i], items[i + 1]);
    };
    const appendItems = (list, items) => {
        if (!Array.isArray(list))
            fail('APPENDS on something that is not a list');
        for (const item of items)
            list.push(item);
    };
    // BUILD sets an object's attributes (Python: obj.__dict__.update(state)), never a dict's items: an
    // OrderedDict's state is its instance attributes (a state dict's `_metadata`). They are kept aside
    // (pythonAttributes), so the dict holds exactly its items. Other objects keep plain-data state they ignore
    // (a tensor's Python attributes); anything else is refused.
    const defaultBuild = (obj, state) => {
        if (state instanceof Map && obj instanceof Map) {
            ATTRIBUTES.set(obj, new Map([...(ATTRIBUTES.get(obj) ?? []), ...state]));
            return obj;
        }
        if (state === null || state instanceof Map || Array.isArray(state))
            return obj;
        return fail('BUILD with object state is not supported');
    };
    for (;;) {
        const op = u8();
        switch (op) {
            case 0x80:
                u8();
                break; // PROTO
            case 0x95:
                pos += 8;
                break; // FRAME: a length hint
            case 0x2e: return { value: pop(), end: pos }; // STOP '.'
            case 0x28:
                stack.push(MARK);
                break; // MARK '('
            case 0x30:
                pop();
                break; // POP '0'
            case 0x31:
                popMark();
                break; // POP_MARK '1'
            case 0x32:
                stack.push(top());
                break; // DUP '2'
            case 0x4e:
                stack.push(null);
                break; // NONE 'N'
            case 0x88:
                stack.push(true);
                break; // NEWTRUE
            case 0x89:
                stack.push(false);
                break; // NEWFALSE
            case 0x4b:
                stack.push(u8());
                break; // BININT1 'K'
            case 0x4d:
                stack.push(u16());
                break; // BININT2 'M'
            case 0x4a:
                stack.push(i32());
                break; // BININT 'J'
            case 0x8a:
                stack.push(long(u8()));
                break; // LONG1
            case 0x8b:
                stack.push(long(u32()));
                break; // LONG4
            case 0x49: { // INT 'I' (protocol 0; "01"/"00" are True/False)
                const s = line();
                stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
                break;
            }
            case 0x4c:
                stack.push(Number.parseInt(line().replace(/L$/, ''), 10));
                break; // LONG 'L'
            case 0x46:
                stack.push(Number.parseFloat(line()));
                break; // FLOAT 'F'
            case 0x47:
                stack.push(view.getFloat64(need(8), false));
                break; // BINFLOAT 'G' (big-endian)
            case 0x58:
                stack.push(text(u32()));
                break; // BINUNICODE 'X'
            case 0x8c:
                stack.push(text(u8()));
                break; // SHORT_BINUNICODE
            case 0x8d:
                stack.push(text(u64()));
                break; // BINUNICODE8
            case 0x54:
                stack.push(latin1(raw(i32())));
                break; // BINSTRING 'T' (Python 2 str)
            case 0x55:
                stack.push(latin1(raw(u8())));
                break; // SHORT_BINSTRING 'U'
            case 0x42:
                stack.push(raw(u32()).slice());
                break; // BINBYTES 'B'
            case 0x43:
                stack.push(raw(u8()).slice());
                break; // SHORT_BINBYTES 'C'
            case 0x8e:
                stack.push(raw(u64()).slice());
                break; // BINBYTES8
            case 0x5d:
                stack.push([]);
                break; // EMPTY_LIST ']'
            case 0x29:
                stack.push([]);
                break; // EMPTY_TUPLE ')'
            case 0x7d:
                stack.push(new Map());
                break; // EMPTY_DICT '}'
            case 0x74:
                stack.push(popMark());
                break; // TUPLE 't'
            case 0x6c:
                stack.push(popMark());
                break; // LIST 'l'
            case 0x85:
                stack.push([pop()]);
                break; // TUPLE1
            case 0x86: {
                const b = pop();
                stack.push([pop(), b]);
                break;
            } // TUPLE2
            case 0x87: {
                const c = pop();
                const b = pop();
                stack.push([pop(), b, c]);
                break;
            } // TUPLE3
            case 0x64: {
                const d = new Map();
                setItems(d, popMark());
                stack.push(d);
                break;
            } // DICT 'd'
            case 0x61: {
                const v = pop();
                appendItems(top(), [v]);
                break;
            } // APPEND 'a'
            case 0x65: {
                const items = popMark();
                appendItems(top(), items);
                break;
            } // APPENDS 'e'
            case 0x73: {
                const v = pop();
                const k = pop();
                setItems(top(), [k, v]);
                break;
            } // SETITEM 's'
            case 0x75: {
                const items = popMark();
                setItems(top(), items);
                break;
            } // SETITEMS 'u'
            case 0x71:
                memo.set(u8(), top());
                break; // BINPUT 'q'
            case 0x72:
                memo.set(u32(), top());
                break; // LONG_BINPUT 'r'
            case 0x94:
                memo.set(memo.size, top());
                break; // MEMOIZE
            case 0x70:
                memo.set(Number.parseInt(line(), 10), top());
                break; // PUT 'p'
            case 0x68:
            case 0x6a:
            case 0x67: { // BINGET 'h', LONG_BINGET 'j', GET 'g'
                const key = op === 0x68 ? u8() : op === 0x6a ? u32() : Number.parseInt(line(), 10);
                if (!memo.has(key))
                    fail(`memo key ${key} is not defined`);
                stack.push(memo.get(key));
                break;
            }
            case 0x63: { // GLOBAL 'c': "module\nname\n"
                const module = line();
                stack.push(options.resolveGlobal(module, line()));
                break;
            }
            case 0x93: { // STACK_GLOBAL
                const name = pop();
                const module = pop();
                if (typeof module !== 'string' || typeof name !== 'string')
                    fail('STACK_GLOBAL needs two strings');
                stack.push(options.resolveGlobal(module, name));
                break;
            }
            case 0x52: {
                const args = pop();
                stack.push(call(pop(), args));
                break;
            } // REDUCE 'R'
            case 0x81: {
                const args = pop();
                stack.push(call(pop(), args));
                break;
            } // NEWOBJ (cls.__new__(cls, *args))
            case 0x62: { // BUILD 'b'
                const state = pop();
                const obj = pop();
                stack.push((options.build ?? defaultBuild)(obj, state));
                break;
            }
            case 0x51: { // BINPERSID 'Q'
                if (!options.persistentLoad)
                    fail('the pickle refers to external data (persistent id) and none is expected here');
                stack.push(options.persistentLoad(pop()));
                break;
            }
            default:
                fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
        }
    }
}
//# sourceMappingURL=pickle.js.map