/* `list --json` lines straight from a run of the answer's text, for the usual vehicles.

   A C twin of `fleettui.cli.list_items.fast_parts` followed by the compact encoder, for one
   run of vehicle objects as the provider sends them (``{"vin":...},{"vin":...}``). It reads
   only the strict compact form: no backslash, no byte over 0x7e, no space between tokens,
   the keys in the API's order. A run outside that form gives None (the caller reads it the
   Python way); a vehicle in the form but outside what the one-pass read covers gives None
   in its place (an unknown state, a VIN or brand that is not plain, an odd timestamp, a
   history out of order, a tag given twice, ...). What it gives is byte for byte what the
   Python way gives (tests/unit/test_json_runs.py compares them on hostile input).

   read(text, count, states) -> (heads, began) | None
     heads[i]: the line after its `{"vin":` and up to its state's start (str), or None
     began[i]: when the current state began (naive datetime), or None
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <string.h>

typedef struct {
    const char *p;
    const char *end;
} Cur;

#define MAX_STATES 16
#define MAX_TAGS 32

typedef struct {
    const char *s[MAX_STATES];
    Py_ssize_t n[MAX_STATES];
    int count;
} States;

/* A growing byte buffer for one line. */
typedef struct {
    char *buf;
    Py_ssize_t len, cap;
} Buf;

static int buf_put(Buf *b, const char *s, Py_ssize_t n) {
    if (b->len + n > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n) cap *= 2;
        char *nb = PyMem_Realloc(b->buf, cap);
        if (nb == NULL) return -1;
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    return 0;
}

#define PUT(b, lit) buf_put((b), (lit), (Py_ssize_t)(sizeof(lit) - 1))

static int lit(Cur *c, const char *s, Py_ssize_t n) {
    if (c->end - c->p < n || memcmp(c->p, s, n) != 0) return 0;
    c->p += n;
    return 1;
}

#define LIT(c, s) lit((c), (s), (Py_ssize_t)(sizeof(s) - 1))

/* A string token: its content (between the quotes). The run holds no backslash and no
   byte under 0x20 or over 0x7e (checked before), so a string ends at the next quote. */
static int str_tok(Cur *c, const char **s, Py_ssize_t *n) {
    if (c->p >= c->end || *c->p != '"') return 0;
    const char *start = c->p + 1;
    const char *q = memchr(start, '"', c->end - start);
    if (q == NULL) return 0;
    *s = start;
    *n = q - start;
    c->p = q + 1;
    return 1;
}

/* Skip one JSON value of the strict form (strings without escapes); 0 when it is not one. */
static int skip_value(Cur *c) {
    int depth = 0;
    do {
        if (c->p >= c->end) return 0;
        char ch = *c->p;
        if (ch == '"') {
            const char *q = memchr(c->p + 1, '"', c->end - c->p - 1);
            if (q == NULL) return 0;
            c->p = q + 1;
        } else if (ch == '{' || ch == '[') {
            depth++;
            c->p++;
        } else if (ch == '}' || ch == ']') {
            if (depth == 0) return 0;
            depth--;
            c->p++;
        } else if (depth > 0 && (ch == ',' || ch == ':')) {
            c->p++;
        } else {
            /* a number or a literal: up to the next delimiter */
            const char *q = c->p;
            while (q < c->end && *q != ',' && *q != '}' && *q != ']' && *q != ':') q++;
            if (q == c->p) return 0;
            c->p = q;
        }
    } while (depth > 0);
    return 1;
}

static int known_state(const States *st, const char *s, Py_ssize_t n) {
    for (int i = 0; i < st->count; i++)
        if (st->n[i] == n && memcmp(st->s[i], s, n) == 0) return 1;
    return 0;
}

static int digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int days_in(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* Days from 0001-01-01 (proleptic Gregorian), as datetime's ordinal less one. */
static long long day_number(int y, int m, int d) {
    static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long long yy = y - 1;
    long long n = yy * 365 + yy / 4 - yy / 100 + yy / 400 + before[m - 1] + d - 1;
    if (m > 2 && days_in(y, 2) == 29) n++;
    return n;
}

typedef struct {
    int y, mo, d, h, mi, s, us;
    long long key; /* microseconds from 0001-01-01, for the order */
} Stamp;

/* The timestamp forms the one-pass read takes: 'YYYY-MM-DDTHH:MM:SS' with nothing after,
   'Z', or '.' and 1 to 6 digits then nothing, 'Z' or 'z'; a real date and time. */
static int read_stamp(const char *t, Py_ssize_t n, Stamp *out) {
    if (n < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
        return 0;
    if (!digits(t, 4, &out->y) || !digits(t + 5, 2, &out->mo) || !digits(t + 8, 2, &out->d) ||
        !digits(t + 11, 2, &out->h) || !digits(t + 14, 2, &out->mi) ||
        !digits(t + 17, 2, &out->s))
        return 0;
    out->us = 0;
    if (n == 19) {
    } else if (n == 20) {
        if (t[19] != 'Z') return 0;
    } else {
        if (t[19] != '.') return 0;
        Py_ssize_t end = n;
        if (t[n - 1] == 'Z' || t[n - 1] == 'z') end--;
        int k = (int)(end - 20);
        if (k < 1 || k > 6) return 0;
        int frac;
        if (!digits(t + 20, k, &frac)) return 0;
        for (int i = k; i < 6; i++) frac *= 10;
        out->us = frac;
    }
    if (out->y < 1 || out->mo < 1 || out->mo > 12 || out->d < 1 ||
        out->d > days_in(out->y, out->mo) || out->h > 23 || out->mi > 59 || out->s > 59)
        return 0;
    out->key = ((day_number(out->y, out->mo, out->d) * 24 + out->h) * 60 + out->mi) * 60 + out->s;
    out->key = out->key * 1000000 + out->us;
    return 1;
}

/* Not blank as Python's `why and not why.isspace()` has it, for ASCII text with no control
   byte (all the run may hold): some byte that is not a space. */
static int has_text(const char *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] != ' ') return 1;
    return 0;
}

static PyObject *ascii_str(const char *s, Py_ssize_t n) {
    PyObject *u = PyUnicode_New(n, 127);
    if (u == NULL) return NULL;
    memcpy(PyUnicode_DATA(u), s, n);
    return u;
}

/* One vehicle of the strict form into `line`; 1 when read, 0 when it is to go the Python
   way (the cursor is then wherever it stopped: the caller skips the value). */
static int vehicle(Cur *c, const States *st, Buf *line, Stamp *began, int *known) {
    const char *s, *vin, *status, *brand;
    Py_ssize_t n, vin_n, status_n, brand_n;
    if (!LIT(c, "{\"vin\":") || !str_tok(c, &vin, &vin_n)) return 0;
    if (vin_n == 0 || vin[0] == ' ' || vin[vin_n - 1] == ' ') return 0;
    if (!LIT(c, ",\"status\":") || !str_tok(c, &status, &status_n)) return 0;
    if (!known_state(st, status, status_n)) return 0;
    if (!LIT(c, ",\"brand\":") || !str_tok(c, &brand, &brand_n)) return 0;
    if (brand_n && (brand[0] == ' ' || brand[brand_n - 1] == ' ')) return 0;
    for (Py_ssize_t i = 0; i < brand_n; i++)
        if (brand[i] >= 'A' && brand[i] <= 'Z') return 0;
    if (!LIT(c, ",\"tags\":{")) return 0;
    const char *tags = c->p - 1;
    const char *keys[MAX_TAGS];
    Py_ssize_t keys_n[MAX_TAGS];
    int ntags = 0;
    if (!LIT(c, "}")) {
        for (;;) {
            if (ntags == MAX_TAGS || !str_tok(c, &s, &n)) return 0;
            for (int i = 0; i < ntags; i++)  /* a key given twice: the parse keeps one */
                if (keys_n[i] == n && memcmp(keys[i], s, n) == 0) return 0;
            keys[ntags] = s;
            keys_n[ntags++] = n;
            if (!LIT(c, ":") || !str_tok(c, &s, &n)) return 0;
            if (LIT(c, "}")) break;
            if (!LIT(c, ",")) return 0;
        }
    }
    Py_ssize_t tags_n = c->p - tags;
    if (!LIT(c, ",\"changelog\":[")) return 0;

    line->len = 0;
    if (PUT(line, "\"") || buf_put(line, vin, vin_n) || PUT(line, "\",\"status\":\"") ||
        buf_put(line, status, status_n) || PUT(line, "\",\"brand\":\"") ||
        buf_put(line, brand, brand_n) || PUT(line, "\",\"tags\":") ||
        buf_put(line, tags, tags_n) || PUT(line, ",\"changelog\":["))
        return -1;

    long long prev = -1;
    const char *run = NULL, *since = NULL;
    Py_ssize_t run_n = 0;
    const char *why = NULL;  /* the last entry's reason, if it has text */
    Py_ssize_t why_n = 0;
    int entries = 0;
    *known = 0;
    if (!LIT(c, "]")) {
        for (;;) {
            const char *ts, *state, *reason = NULL;
            Py_ssize_t ts_n, state_n, reason_n = 0;
            Stamp when;
            if (!LIT(c, "{\"timestamp\":") || !str_tok(c, &ts, &ts_n)) return 0;
            if (!LIT(c, ",\"status\":") || !str_tok(c, &state, &state_n)) return 0;
            if (LIT(c, ",\"reason\":")) {
                if (!str_tok(c, &reason, &reason_n)) return 0;
            }
            if (!LIT(c, "}")) return 0;
            if (!read_stamp(ts, ts_n, &when) || when.key < prev) return 0;
            if (!known_state(st, state, state_n)) return 0;
            prev = when.key;
            if (run == NULL || run_n != state_n || memcmp(run, state, state_n) != 0) {
                run = state;
                run_n = state_n;
                since = ts;
                *began = when;
            }
            int text = reason != NULL && has_text(reason, reason_n);
            why = text ? reason : NULL;
            why_n = text ? reason_n : 0;
            if ((entries++ && PUT(line, ",")) || PUT(line, "{\"timestamp\":\"") ||
                buf_put(line, ts, 19) || PUT(line, "Z\",\"status\":\"") ||
                buf_put(line, state, state_n) || PUT(line, "\""))
                return -1;
            if (text && (PUT(line, ",\"reason\":\"") || buf_put(line, reason, reason_n) ||
                         PUT(line, "\"")))
                return -1;
            if (PUT(line, "}")) return -1;
            if (LIT(c, "]")) break;
            if (!LIT(c, ",")) return 0;
        }
    }
    if (!LIT(c, "}")) return 0;
    if (PUT(line, "],\"reason\":")) return -1;
    int current = run != NULL && run_n == status_n && memcmp(run, status, status_n) == 0;
    if (current && why != NULL) {
        if (PUT(line, "\"") || buf_put(line, why, why_n) || PUT(line, "\"")) return -1;
    } else if (PUT(line, "null")) {
        return -1;
    }
    if (PUT(line, ",\"state_since\":")) return -1;
    if (current) {
        if (PUT(line, "\"") || buf_put(line, since, 19) || PUT(line, "Z\"")) return -1;
        *known = 1;
    } else if (PUT(line, "null")) {
        return -1;
    }
    return 1;
}

static PyObject *run_read(PyObject *self, PyObject *args) {
    PyObject *str, *states;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "UnO!", &str, &count, &PyTuple_Type, &states)) return NULL;
    if (count < 0 || !PyUnicode_IS_ASCII(str)) Py_RETURN_NONE;  /* ASCII only (below) */
    const char *text = (const char *)PyUnicode_DATA(str);
    Py_ssize_t size = PyUnicode_GET_LENGTH(str);
    States st;
    st.count = (int)PyTuple_GET_SIZE(states);
    if (st.count > MAX_STATES) Py_RETURN_NONE;
    for (int i = 0; i < st.count; i++) {
        PyObject *item = PyTuple_GET_ITEM(states, i);
        if (!PyUnicode_Check(item)) Py_RETURN_NONE;
        st.s[i] = PyUnicode_AsUTF8AndSize(item, &st.n[i]);
        if (st.s[i] == NULL) return NULL;
    }
    /* The strict form: printable ASCII, no backslash (so no escape in any string). */
    for (Py_ssize_t i = 0; i < size; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x20 || ch > 0x7e || ch == '\\') Py_RETURN_NONE;
    }
    PyObject *heads = PyList_New(count), *began = PyList_New(count);
    Buf line = {NULL, 0, 0};
    if (heads == NULL || began == NULL) goto fail;
    Cur c = {text, text + size};
    for (Py_ssize_t k = 0; k < count; k++) {
        if (k && !LIT(&c, ",")) goto none;
        const char *start = c.p;
        Stamp when;
        int known = 0;
        int got = vehicle(&c, &st, &line, &when, &known);
        if (got < 0) {
            PyErr_NoMemory();
            goto fail;
        }
        if (got == 0) {  /* to be read the Python way: skip it whole */
            c.p = start;
            if (!skip_value(&c)) goto none;
            Py_INCREF(Py_None);
            PyList_SET_ITEM(heads, k, Py_None);
            Py_INCREF(Py_None);
            PyList_SET_ITEM(began, k, Py_None);
            continue;
        }
        PyObject *b = Py_None;
        if (known) {
            b = PyDateTime_FromDateAndTime(when.y, when.mo, when.d, when.h, when.mi, when.s,
                                           when.us);
            if (b == NULL) {  /* never for the times read above; if so, the Python way */
                PyErr_Clear();
                Py_INCREF(Py_None);
                PyList_SET_ITEM(heads, k, Py_None);
                Py_INCREF(Py_None);
                PyList_SET_ITEM(began, k, Py_None);
                continue;
            }
        } else {
            Py_INCREF(Py_None);
        }
        PyList_SET_ITEM(began, k, b);
        PyObject *h = ascii_str(line.buf, line.len);
        if (h == NULL) goto fail;
        PyList_SET_ITEM(heads, k, h);
    }
    if (c.p != c.end) goto none;
    PyMem_Free(line.buf);
    PyObject *out = PyTuple_Pack(2, heads, began);
    Py_DECREF(heads);
    Py_DECREF(began);
    return out;
none:
    PyMem_Free(line.buf);
    Py_XDECREF(heads);
    Py_XDECREF(began);
    Py_RETURN_NONE;
fail:
    PyMem_Free(line.buf);
    Py_XDECREF(heads);
    Py_XDECREF(began);
    return NULL;
}

static PyMethodDef methods[] = {
    {"read", run_read, METH_VARARGS,
     "read(text, count, states) -> (heads, began) | None: see the module."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_run_lines",
    "`list --json` lines straight from a run of the answer's text (see _run_lines.c).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__run_lines(void) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) return NULL;
    return PyModule_Create(&module);
}
