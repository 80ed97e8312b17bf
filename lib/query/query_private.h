/* Internal to lib/query/: the tokens, the operand an AND combines, and the
 * parser, whose methods are defined across the files of the query
 * language by what they do:
 *   query_lex.cc    the lexer: text -> tokens
 *   query_parse.cc  the grammar: tokens -> the strict and relaxed queries
 *   query_terms.cc  words, phrases and wildcards -> the index's terms
 *   query_fields.cc field:value, one row per field in FIELDS
 * Grammar, loosest binding first:
 *   query   := and ( "OR" and )*
 *   and     := unary ( ["AND"] unary | "NOT" unary )*
 *   unary   := "-" near | near
 *   near    := primary ( "NEAR" | "NEAR/n" ) primary ...
 *   primary := "(" query ")" | "phrase" | ~"phrase" | field:value | word
 *              | prefix*
 * See doc/guide.md, "Query syntax", for what each form matches. */
#ifndef PSEARCH_QUERY_PRIVATE_H
#define PSEARCH_QUERY_PRIVATE_H

#ifndef __cplusplus
#error "query_private.h is for the C++ shim only"
#endif

#include <string>
#include <vector>

#include <xapian.h>

#include "query/query.h"

namespace ps__query
{

enum tok_kind {
    T_END,
    T_WORD,    /* text: the word */
    T_PHRASE,  /* text: inside the quotes */
    T_SPHRASE, /* ~"..." */
    T_FIELD,   /* field: name, text: value, quoted: value was a phrase */
    T_LP,
    T_RP,
    T_MINUS,
    T_AND,
    T_OR,
    T_NOT,
    T_NEAR, /* num: the distance */
};

struct token {
    tok_kind kind;
    std::string text;
    std::string field;
    bool quoted = false;
    unsigned num = 0;
    size_t pos = 0;
};

/* Throws the query error MSG at byte POS of the query. */
[[noreturn]] void fail(size_t pos, const std::string &msg);

/* query_lex.cc: the tokens of S, ending with T_END; throws a query error
 * for an unclosed quote, a bad NEAR/n or an empty field value. */
std::vector<token> lex(const std::string &s);

/* query_terms.cc: whether W is an English function word. */
bool is_stop_word(const std::string &w);

/* query_terms.cc: a query matching any of TERMS, where phrases and NEAR
 * can use it. */
Xapian::Query any_of(const std::vector<std::string> &terms);

/* query_fields.cc: whether F (lower case) names a query field. */
bool is_field(const std::string &f);

/* Where words must stand to match (said: and quote:, query_said.cc): the
 * suffixes of the quote markers around them (":person:zelensky" for one
 * speaker's quotes, "" for any quote; layout.h), and the speaker keys
 * hits are kept to. Empty: anywhere. */
struct qscope {
    std::vector<std::string> markers;
    std::vector<std::string> speakers;
};

/* One operand of an AND: its query and what boosts need of it. */
struct item {
    Xapian::Query q;
    bool neg = false;
    bool plain = false;           /* a bare word: joins phrase boosts */
    std::vector<std::string> raw; /* its unstemmed terms, in order */
    /* For NEAR, when the item is a single word or entity: the terms with
     * positions that stand for it. */
    std::vector<std::string> single;
    bool empty = false;  /* no searchable word: adds no condition */
    bool filter = false; /* date: or path:, never scored */
    bool stop = false;   /* a bare stop word */
    qscope said;         /* said:X: the scope it opens for the words after */
};

class parser
{
  public:
    parser(const ps__qctx &ctx, const std::string &text, ps__parsed &out)
        : ctx_(ctx), toks_(lex(text)), out_(out)
    {
    }

    /* The strict form of the whole query; fills the hit groups and words
     * of the output and, at the top level, relaxed and content_words. */
    Xapian::Query run();

    /* The relaxed form of the top level, and how many words it has that
     * are not stop words; set by combine(). */
    Xapian::Query relaxed;
    size_t content_words = 0;

    bool is_boolean() const
    {
        return boolean_;
    }

    /* A field's builder, and the table of fields (query_fields.cc). */
    using field_builder = item (parser::*)(const token &t);
    struct field_def {
        const char *name;
        field_builder build;
    };
    static const field_def FIELDS[];
    static const size_t NFIELDS;

  private:
    const ps__qctx &ctx_;
    std::vector<token> toks_;
    size_t k_ = 0;
    ps__parsed &out_;
    unsigned depth_ = 0;
    size_t nterms_ = 0;
    /* Whether the query uses operators (AND, OR, NOT, NEAR): then it means
     * exactly what it says and has no relaxed form. Parentheses alone do
     * not count: a question typed as it comes may have some ("vitamin D
     * (cholecalciferol)"), and a group is one clause of the relaxed form. */
    bool boolean_ = false;
    /* The scope of the words being parsed: said:X reaches the plain
     * words, phrases and wildcards after it (query_said.cc). */
    qscope scope_;

    const token &cur() const
    {
        return toks_[k_];
    }

    /* query_parse.cc: the grammar. */
    bool starts_operand() const;
    Xapian::Query parse_or();
    Xapian::Query parse_and();
    Xapian::Query combine(std::vector<item> &items);
    void relaxed_form(const std::vector<item> &items,
                      const std::vector<Xapian::Query> &boosts);
    item parse_unary();
    item parse_near();
    item parse_group(const token &t);
    item parse_primary();
    item bare_word(const token &t);
    const char *apostrophe_clitic(const std::string &w) const;

    /* query_terms.cc: words, phrases and wildcards. */
    std::vector<const ps_token_t *> analyse(const std::string &text, size_t at);
    std::vector<std::string> forms(const ps_token_t *t, const char *raw_prefix,
                                   const char *stem_prefix);
    void count_terms(size_t n, size_t at);
    void add_hits(item &it, const std::vector<std::vector<std::string>> &slots,
                  const char *raw_prefix, size_t at);
    item word(const std::string &text, size_t at, const char *raw_prefix,
              const char *stem_prefix, bool plain);
    Xapian::Query expand(const std::string &p);
    item wildcard(const std::string &text, size_t at, const char *prefix);
    item phrase(const token &t, const char *stem_prefix, const char *raw_prefix,
                size_t at);

    /* query_fields.cc: field:value. */
    item field(const token &t);
    item title(const token &t);
    item path(const token &t);
    item date(const token &t);
    void identity_terms(ps_entity_type_t type, const std::string &slug,
                        std::vector<std::string> &terms);
    void surname_terms(const std::string &prefix, const std::string &slug,
                       std::vector<std::string> &terms);
    void unknown_entity_terms(const token &t, int type,
                              std::vector<std::string> &terms);
    item entity(const token &t);

    /* query_said.cc: who said what. */
    void quoted_speakers(std::vector<std::string> &keys);
    item said(const token &t);
    item quote(const token &t);
    void update_scope();
    Xapian::Query scoped(const std::vector<std::vector<std::string>> &slots,
                         unsigned near, size_t at);
    void keep_in_scope(item &it, const Xapian::Query &where, ps__hitgroup &g);
    void scope_wildcard(item &it, const std::string &p, ps__hitgroup &g);
};

} // namespace ps__query

#endif
