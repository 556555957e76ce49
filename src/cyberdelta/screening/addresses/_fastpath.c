/* Batch screening fast path (docs/screening.md, "Speed").
 *
 * For the commonest address shapes, written without a chain, this does in C what
 * ``chains.detect`` does in Python, with the same result: EVM ``0x`` + 40 hex digits with the
 * EIP-55 checksum (Keccak-256, as Ethereum uses it: the original Keccak padding 0x01, not FIPS 202
 * SHA3's 0x06); Bitcoin P2PKH/P2SH and Tron Base58Check (the first four bytes of
 * SHA-256(SHA-256(payload)), FIPS 180-4); Bitcoin segregated-witness Bech32/Bech32m (BIP-173,
 * BIP-350). Anything else, and every invalid address whose reason carries parameters or could make
 * ``detect`` try another chain, is left to the Python normalisers (the item is None and its index
 * is listed), so the two paths give identical results: tests/screening/test_fast_path.py compares
 * them on the BIP and EIP vectors and on generated addresses.
 *
 * screen(texts, tables, result_type, messages) -> (results, pending)
 *   texts        a sequence of str
 *   tables       (evm, bitcoin, tron): for each space a dict key -> tuple of hits
 *   result_type  the Result named tuple (input, chain, normalised, valid, error, hits)
 *   messages     (checksum message, EIP-55 message), rendered in the language in force
 *   results      list of Result or None; pending: list of the indices that are None
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ---------- Keccak-f[1600] and Keccak-256 (FIPS 202 §3, original padding) ---------- */

static const uint64_t KECCAK_RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
/* The rho rotations and pi lane order, walked as one cycle from lane 1 (FIPS 202 §3.2.2-3). */
static const int KECCAK_ROTC[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                    27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const int KECCAK_PILN[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                    15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

#define ROTL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* Unrolled, the lane indices become constants (twice as fast as the loops). */
#if defined(__GNUC__) && !defined(__clang__)
#define UNROLL _Pragma("GCC unroll 25")
#else
#define UNROLL
#endif

static void keccak_f(uint64_t st[25]) {
    uint64_t bc[5], t;
    for (int round = 0; round < 24; round++) {
        UNROLL for (int i = 0; i < 5; i++) bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
        UNROLL for (int i = 0; i < 5; i++) {
            t = bc[(i + 4) % 5] ^ ROTL64(bc[(i + 1) % 5], 1);
            UNROLL for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
        }
        t = st[1];
        UNROLL for (int i = 0; i < 24; i++) {
            int j = KECCAK_PILN[i];
            bc[0] = st[j];
            st[j] = ROTL64(t, KECCAK_ROTC[i]);
            t = bc[0];
        }
        UNROLL for (int j = 0; j < 25; j += 5) {
            UNROLL for (int i = 0; i < 5; i++) bc[i] = st[j + i];
            UNROLL for (int i = 0; i < 5; i++) st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
        }
        st[0] ^= KECCAK_RC[round];
    }
}

/* Keccak-256 of a message shorter than the rate (136 bytes): one block. */
static void keccak256_short(const unsigned char *data, size_t length, unsigned char out[32]) {
    uint64_t state[25] = {0};
    unsigned char block[136] = {0};
    memcpy(block, data, length);
    block[length] ^= 0x01;
    block[135] ^= 0x80;
    for (int i = 0; i < 17; i++) {
        uint64_t lane = 0;
        for (int j = 7; j >= 0; j--) lane = (lane << 8) | block[8 * i + j];
        state[i] ^= lane;
    }
    keccak_f(state);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (unsigned char)(state[i] >> (8 * j));
}

/* ---------- SHA-256 (FIPS 180-4) for short messages (under 56 bytes: one block) ---------- */

static const uint32_t SHA_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_short(const unsigned char *data, size_t length, unsigned char out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    unsigned char block[64] = {0};
    uint32_t w[64];
    memcpy(block, data, length);
    block[length] = 0x80;
    uint64_t bits = (uint64_t)length * 8;
    for (int i = 0; i < 8; i++) block[63 - i] = (unsigned char)(bits >> (8 * i));
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROTR32(w[i - 15], 7) ^ ROTR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROTR32(w[i - 2], 17) ^ ROTR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROTR32(e, 6) ^ ROTR32(e, 11) ^ ROTR32(e, 25)) + ((e & f) ^ (~e & g)) +
                      SHA_K[i] + w[i];
        uint32_t t2 = (ROTR32(a, 2) ^ ROTR32(a, 13) ^ ROTR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(h[i] >> 8);
        out[4 * i + 3] = (unsigned char)h[i];
    }
}

/* ---------- Base58 (Bitcoin alphabet) ---------- */

static signed char B58[256];

/* Decode into out (big-endian, a zero byte for each leading '1', as base58.decode does): the
 * decoded length, -1 for a character outside the alphabet, -2 when longer than capacity (at most
 * 32). The number is kept in eight 32-bit limbs and takes five characters a step (58^5 < 2^32). */
static Py_ssize_t base58_decode(const unsigned char *s, Py_ssize_t n, unsigned char *out, Py_ssize_t capacity) {
    uint32_t limbs[8] = {0}; /* least significant first */
    Py_ssize_t zeros = 0;
    while (zeros < n && s[zeros] == '1') zeros++;
    for (Py_ssize_t i = 0; i < n; i += 5) {
        uint64_t multiplier = 1, carry = 0;
        for (Py_ssize_t j = i; j < n && j < i + 5; j++) {
            int digit = B58[s[j]];
            if (digit < 0) return -1;
            multiplier *= 58;
            carry = carry * 58 + (uint64_t)digit;
        }
        for (int k = 0; k < 8; k++) {
            uint64_t value = (uint64_t)limbs[k] * multiplier + carry;
            limbs[k] = (uint32_t)value;
            carry = value >> 32;
        }
        if (carry) return -2;
    }
    unsigned char number[32];
    for (int k = 0; k < 8; k++) {
        uint32_t limb = limbs[7 - k];
        number[4 * k] = (unsigned char)(limb >> 24);
        number[4 * k + 1] = (unsigned char)(limb >> 16);
        number[4 * k + 2] = (unsigned char)(limb >> 8);
        number[4 * k + 3] = (unsigned char)limb;
    }
    Py_ssize_t skip = 0;
    while (skip < 32 && number[skip] == 0) skip++;
    Py_ssize_t used = 32 - skip, total = zeros + used;
    if (total > capacity) return -2;
    memset(out, 0, (size_t)zeros);
    memcpy(out + zeros, number + skip, (size_t)used);
    return total;
}

/* ---------- Bech32 (BIP-173, BIP-350) ---------- */

static const char BECH32_CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
static signed char BECH32_VALUES[256];
#define BECH32_CONST 1u
#define BECH32M_CONST 0x2bc830a3u

static uint32_t polymod_step(uint32_t check, unsigned value) {
    uint32_t top = check >> 25;
    check = ((check & 0x1ffffff) << 5) ^ value;
    if (top & 1) check ^= 0x3b6a57b2;
    if (top & 2) check ^= 0x26508e6d;
    if (top & 4) check ^= 0x1ea119fa;
    if (top & 8) check ^= 0x3d4233dd;
    if (top & 16) check ^= 0x2a1462b3;
    return check;
}

/* ---------- Interned strings and the result ---------- */

/* The chains (and key spaces) of the shapes handled here. */
enum { S_EVM, S_BITCOIN, S_TRON, S_COUNT };
static const char *NAMES[S_COUNT] = {"evm", "bitcoin", "tron"};
static PyObject *STR[S_COUNT];
static PyObject *EMPTY_TUPLE;

typedef struct {
    PyObject *tables[3]; /* key -> hits, for the spaces evm, bitcoin, tron */
    PyTypeObject *result_type;
    PyObject *checksum_message;
    PyObject *eip55_message;
} Context;

/* A Result (a tuple subtype): steals none of the references given. */
static PyObject *make_result(Context *ctx, PyObject *text, PyObject *chain, PyObject *key, int valid,
                             PyObject *error, PyObject *hits) {
    PyObject *result = ctx->result_type->tp_alloc(ctx->result_type, 6);
    if (result == NULL) return NULL;
    PyObject *items[6] = {text, chain, key, valid ? Py_True : Py_False, error, hits};
    for (int i = 0; i < 6; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(result, i, items[i]);
    }
    return result;
}

static PyObject *valid_result(Context *ctx, PyObject *text, int space_chain, PyObject *key) {
    /* EVM, Bitcoin and Tron: the space is the chain's name ("evm" for EVM). */
    PyObject *space = STR[space_chain];
    PyObject *hits = PyDict_GetItemWithError(ctx->tables[space_chain - S_EVM], key);
    if (hits == NULL) {
        if (PyErr_Occurred()) return NULL;
        hits = EMPTY_TUPLE;
    }
    return make_result(ctx, text, space, key, 1, Py_None, hits);
}

static PyObject *invalid_result(Context *ctx, PyObject *text, int chain, PyObject *message) {
    return make_result(ctx, text, STR[chain], Py_None, 0, message, EMPTY_TUPLE);
}

static int is_hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Py_None (a new reference) means: leave it to Python. */
static PyObject *screen_evm(Context *ctx, PyObject *text, const unsigned char *s) {
    unsigned char lower[40];
    int has_lower = 0, has_upper = 0;
    for (int i = 0; i < 40; i++) {
        unsigned char c = s[2 + i];
        if (!is_hex(c)) Py_RETURN_NONE;
        if (c >= 'a') has_lower = 1;
        else if (c >= 'A') has_upper = 1;
        lower[i] = (c >= 'A' && c <= 'F') ? (unsigned char)(c + 32) : c;
    }
    if (!(has_lower && has_upper)) { /* all lower, all upper, or digits only: no checksum */
        PyObject *key = PyUnicode_New(42, 127);
        if (key == NULL) return NULL;
        Py_UCS1 *k = PyUnicode_1BYTE_DATA(key);
        k[0] = '0'; k[1] = 'x';
        memcpy(k + 2, lower, 40);
        PyObject *result = valid_result(ctx, text, S_EVM, key);
        Py_DECREF(key);
        return result;
    }
    unsigned char digest[32];
    keccak256_short(lower, 40, digest);
    for (int i = 0; i < 40; i++) {
        unsigned char c = s[2 + i];
        if (c <= '9') continue;
        int nibble = (i & 1) ? (digest[i / 2] & 0x0f) : (digest[i / 2] >> 4);
        int upper = c <= 'F';
        if (upper != (nibble >= 8)) return invalid_result(ctx, text, S_EVM, ctx->eip55_message);
    }
    PyObject *key = PyUnicode_New(42, 127);
    if (key == NULL) return NULL;
    Py_UCS1 *k = PyUnicode_1BYTE_DATA(key);
    k[0] = '0'; k[1] = 'x';
    memcpy(k + 2, lower, 40);
    PyObject *result = valid_result(ctx, text, S_EVM, key);
    Py_DECREF(key);
    return result;
}

/* Bitcoin (chain S_BITCOIN) or Tron (S_TRON) Base58Check of version byte + 20 bytes. */
static PyObject *screen_base58check(Context *ctx, PyObject *text, const unsigned char *s, Py_ssize_t n, int chain) {
    unsigned char data[25], first[32], second[32];
    if (base58_decode(s, n, data, 25) != 25) Py_RETURN_NONE;
    sha256_short(data, 21, first);
    sha256_short(first, 32, second);
    if (memcmp(second, data + 21, 4) != 0) return invalid_result(ctx, text, chain, ctx->checksum_message);
    if (chain == S_TRON) {
        if (data[0] != 0x41) Py_RETURN_NONE;
    } else if (data[0] != 0x00 && data[0] != 0x05 && data[0] != 0x6f && data[0] != 0xc4) {
        Py_RETURN_NONE;
    }
    return valid_result(ctx, text, chain, text);
}

static PyObject *screen_segwit(Context *ctx, PyObject *text, const unsigned char *s, Py_ssize_t n) {
    unsigned char lower[90], values[90];
    int has_lower = 0, has_upper = 0;
    if (n > 90) Py_RETURN_NONE;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c < 33 || c > 126) Py_RETURN_NONE;
        if (c >= 'a' && c <= 'z') has_lower = 1;
        if (c >= 'A' && c <= 'Z') { has_upper = 1; c = (unsigned char)(c + 32); }
        lower[i] = c;
    }
    if (has_lower && has_upper) Py_RETURN_NONE;
    Py_ssize_t position = -1;
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        if (lower[i] == '1') { position = i; break; }
    if (position < 1 || position + 7 > n) Py_RETURN_NONE;
    Py_ssize_t count = n - position - 1;
    for (Py_ssize_t i = 0; i < count; i++) {
        int value = BECH32_VALUES[lower[position + 1 + i]];
        if (value < 0) Py_RETURN_NONE;
        values[i] = (unsigned char)value;
    }
    uint32_t check = 1;
    for (Py_ssize_t i = 0; i < position; i++) check = polymod_step(check, lower[i] >> 5);
    check = polymod_step(check, 0);
    for (Py_ssize_t i = 0; i < position; i++) check = polymod_step(check, lower[i] & 31);
    for (Py_ssize_t i = 0; i < count; i++) check = polymod_step(check, values[i]);
    if (check != BECH32_CONST && check != BECH32M_CONST)
        return invalid_result(ctx, text, S_BITCOIN, ctx->checksum_message);
    /* Bitcoin's human-readable parts: bc (main), tb (test), bcrt (regtest). */
    int known_hrp = (position == 2 && lower[0] == 'b' && lower[1] == 'c') ||
                    (position == 2 && lower[0] == 't' && lower[1] == 'b') ||
                    (position == 4 && memcmp(lower, "bcrt", 4) == 0);
    if (!known_hrp) Py_RETURN_NONE;
    Py_ssize_t data_count = count - 6;
    if (data_count < 1) Py_RETURN_NONE;
    unsigned version = values[0];
    if (version > 16) Py_RETURN_NONE;
    /* Regroup 5-bit values into bytes; the padding must be under 5 bits and zero (BIP-173). */
    uint32_t accumulator = 0;
    int bits = 0;
    Py_ssize_t program_length = 0;
    for (Py_ssize_t i = 1; i < data_count; i++) {
        accumulator = ((accumulator << 5) | values[i]) & 0xfff;
        bits += 5;
        if (bits >= 8) { bits -= 8; program_length++; }
    }
    if (bits >= 5 || (accumulator & ((1u << bits) - 1))) Py_RETURN_NONE;
    if (program_length < 2 || program_length > 40) Py_RETURN_NONE;
    if (version == 0 && program_length != 20 && program_length != 32) Py_RETURN_NONE;
    if ((version == 0) != (check == BECH32_CONST)) Py_RETURN_NONE;
    PyObject *key = PyUnicode_New(n, 127);
    if (key == NULL) return NULL;
    memcpy(PyUnicode_1BYTE_DATA(key), lower, (size_t)n);
    PyObject *result = valid_result(ctx, text, S_BITCOIN, key);
    Py_DECREF(key);
    return result;
}

static PyObject *screen_text(Context *ctx, PyObject *text) {
    if (!PyUnicode_Check(text) || !PyUnicode_IS_ASCII(text)) Py_RETURN_NONE;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    if (n == 0) Py_RETURN_NONE;
    /* The order of chains._candidates. */
    if (s[0] == '0') {
        if (n == 42 && s[1] == 'x') return screen_evm(ctx, text, s);
        Py_RETURN_NONE;
    }
    if ((s[0] == '1' || s[0] == '3') && n <= 35) return screen_base58check(ctx, text, s, n, S_BITCOIN);
    if (s[0] == 'T' && n == 34) return screen_base58check(ctx, text, s, n, S_TRON);
    if (n >= 4) {
        unsigned char h[5];
        Py_ssize_t m = n < 5 ? n : 5;
        for (Py_ssize_t i = 0; i < m; i++) h[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (unsigned char)(s[i] + 32) : s[i];
        if ((h[0] == 'b' && h[1] == 'c' && h[2] == '1') || (h[0] == 't' && h[1] == 'b' && h[2] == '1') ||
            (m == 5 && memcmp(h, "bcrt1", 5) == 0))
            return screen_segwit(ctx, text, s, n);
    }
    Py_RETURN_NONE;
}

static PyObject *screen(PyObject *self, PyObject *args) {
    PyObject *texts, *messages;
    Context ctx;
    if (!PyArg_ParseTuple(args, "O(O!O!O!)O!O!", &texts, &PyDict_Type, &ctx.tables[0], &PyDict_Type,
                          &ctx.tables[1], &PyDict_Type, &ctx.tables[2], &PyType_Type, &ctx.result_type,
                          &PyTuple_Type, &messages))
        return NULL;
    if (!PyType_IsSubtype(ctx.result_type, &PyTuple_Type) || PyTuple_GET_SIZE(messages) != 2) {
        PyErr_SetString(PyExc_TypeError, "result_type must be a tuple type and messages a pair");
        return NULL;
    }
    ctx.checksum_message = PyTuple_GET_ITEM(messages, 0);
    ctx.eip55_message = PyTuple_GET_ITEM(messages, 1);
    PyObject *sequence = PySequence_Fast(texts, "texts must be a sequence");
    if (sequence == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    PyObject *results = PyList_New(count);
    PyObject *pending = PyList_New(0);
    if (results == NULL || pending == NULL) goto fail;
    /* No memo of repeated inputs: checking one again in C costs less than keeping a dict of all. */
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *result = screen_text(&ctx, items[i]);
        if (result == NULL) goto fail;
        if (result == Py_None) {
            PyObject *index = PyLong_FromSsize_t(i);
            if (index == NULL || PyList_Append(pending, index) < 0) {
                Py_XDECREF(index);
                Py_DECREF(result);
                goto fail;
            }
            Py_DECREF(index);
        }
        PyList_SET_ITEM(results, i, result);
    }
    Py_DECREF(sequence);
    PyObject *answer = PyTuple_Pack(2, results, pending);
    Py_DECREF(results);
    Py_DECREF(pending);
    return answer;
fail:
    Py_XDECREF(results);
    Py_XDECREF(pending);
    Py_DECREF(sequence);
    return NULL;
}

static PyObject *keccak256(PyObject *self, PyObject *arg) {
    Py_buffer view;
    unsigned char out[32];
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    if (view.len >= 136) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "only messages shorter than 136 bytes");
        return NULL;
    }
    keccak256_short(view.buf, (size_t)view.len, out);
    PyBuffer_Release(&view);
    return PyBytes_FromStringAndSize((const char *)out, 32);
}

static PyObject *double_sha256(PyObject *self, PyObject *arg) {
    Py_buffer view;
    unsigned char first[32], out[32];
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    if (view.len >= 56) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "only messages shorter than 56 bytes");
        return NULL;
    }
    sha256_short(view.buf, (size_t)view.len, first);
    PyBuffer_Release(&view);
    sha256_short(first, 32, out);
    return PyBytes_FromStringAndSize((const char *)out, 32);
}

static PyMethodDef METHODS[] = {
    {"screen", screen, METH_VARARGS, "Screen a batch of addresses: (results, pending indices)."},
    {"keccak256", keccak256, METH_O, "Keccak-256 (Ethereum's) of fewer than 136 bytes."},
    {"double_sha256", double_sha256, METH_O, "SHA-256(SHA-256(data)) of fewer than 56 bytes."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_fastpath", "Batch screening fast path (docs/screening.md, \"Speed\").", -1,
    METHODS, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__fastpath(void) {
    memset(B58, -1, sizeof B58);
    const char *alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    for (int i = 0; alphabet[i]; i++) B58[(unsigned char)alphabet[i]] = (signed char)i;
    memset(BECH32_VALUES, -1, sizeof BECH32_VALUES);
    for (int i = 0; BECH32_CHARSET[i]; i++) BECH32_VALUES[(unsigned char)BECH32_CHARSET[i]] = (signed char)i;
    for (int i = 0; i < S_COUNT; i++) {
        STR[i] = PyUnicode_InternFromString(NAMES[i]);
        if (STR[i] == NULL) return NULL;
    }
    EMPTY_TUPLE = PyTuple_New(0);
    if (EMPTY_TUPLE == NULL) return NULL;
    return PyModule_Create(&MODULE);
}
