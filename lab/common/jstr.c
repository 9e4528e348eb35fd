#include "common/jstr.h"


ssize_t jstr_end(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] && s[i] != '"')
		i += s[i] == '\\' && i + 1 < len && s[i + 1] ? 2 : 1;
	return i < len && s[i] == '"' ? (ssize_t)i : -1;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		char c = s[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static ssize_t bad(const char **why, size_t *at, const char *msg, size_t i)
{
	*why = msg;
	*at = i;
	return -1;
}

ssize_t jstr_unescape(const char *s, size_t len, char *out, const char **why, size_t *at)
{
	size_t n = 0, i = 0;
	while (i < len) {
		char c = s[i++];
		if ((unsigned char)c < 0x20)
			return bad(why, at, "control character in string", i - 1);
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		if (i >= len)
			return bad(why, at, "bad escape", i - 1);
		c = s[i++];
		switch (c) {
		case '"': case '\\': case '/': out[n++] = c; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (i + 4 > len || hex4(s + i, &cp) < 0)
				return bad(why, at, "bad \\u escape", i - 2);
			i += 4;
			/* a surrogate pair is two escapes (6 + 6 bytes -> 4 bytes) */
			if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= len && s[i] == '\\' &&
			    s[i + 1] == 'u' && hex4(s + i + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
			n += utf8(cp, out + n);
			break;
		}
		default:
			return bad(why, at, "bad escape", i - 2);
		}
	}
	out[n] = '\0';
	return (ssize_t)n;
}
