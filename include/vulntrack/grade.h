/*
 * grade.h - GB/T 30279-2020 vulnerability grading (超危/高危/中危/低危).
 *
 * The standard's indicators are typed inputs. Its grading tables (A to E) are
 * not built in: they are loaded from a data file, and while none is loaded the
 * grade is VT_GRADE_UNAVAILABLE, never a guess. A grade derived from a CVSS
 * base score is a separate, clearly labelled fallback (method CVSS_DERIVED).
 */
#ifndef VULNTRACK_GRADE_H
#define VULNTRACK_GRADE_H

#include <cjson/cJSON.h>

#include "common.h"

typedef enum vt_grade_level {
    VT_GRADE_UNAVAILABLE = 0, /* no table loaded, or inputs incomplete */
    VT_GRADE_NONE,            /* CVSS 0.0: no severity, manual review needed */
    VT_GRADE_LOW,             /* 低危 */
    VT_GRADE_MEDIUM,          /* 中危 */
    VT_GRADE_HIGH,            /* 高危 */
    VT_GRADE_CRITICAL,        /* 超危 */
} vt_grade_level;

typedef enum vt_grade_method {
    VT_GRADE_METHOD_NONE = 0,
    VT_GRADE_METHOD_GBT30279_TECH, /* technical grade: tables A, B, D */
    VT_GRADE_METHOD_GBT30279_COMP, /* comprehensive grade: tables C and E too */
    VT_GRADE_METHOD_CVSS_DERIVED,  /* fallback from a CVSS base score */
    VT_GRADE_METHOD_MANUAL,        /* set by a person */
} vt_grade_method;

/* §8.2 indicator values. 0 in every enum means "not given". */
typedef enum vt_gbt_access_path {
    VT_AP_UNSET = 0, VT_AP_NETWORK, VT_AP_ADJACENT, VT_AP_LOCAL, VT_AP_PHYSICAL
} vt_gbt_access_path;
typedef enum vt_gbt_trigger { VT_TR_UNSET = 0, VT_TR_LOW, VT_TR_HIGH } vt_gbt_trigger;
typedef enum vt_gbt_privilege {
    VT_PRV_UNSET = 0, VT_PRV_NONE, VT_PRV_LOW, VT_PRV_HIGH
} vt_gbt_privilege;
typedef enum vt_gbt_interaction {
    VT_UI_UNSET = 0, VT_UI_NOT_REQUIRED, VT_UI_REQUIRED
} vt_gbt_interaction;
typedef enum vt_gbt_impact {
    VT_IMP_UNSET = 0, VT_IMP_SERIOUS, VT_IMP_GENERAL, VT_IMP_NONE
} vt_gbt_impact;
/* Environment factors: exploitation cost, fix difficulty, scope. */
typedef enum vt_gbt_level3 {
    VT_LVL_UNSET = 0, VT_LVL_LOW, VT_LVL_MEDIUM, VT_LVL_HIGH, VT_LVL_NONE
} vt_gbt_level3;

typedef struct vt_gbt_inputs {
    vt_gbt_access_path access_path;
    vt_gbt_trigger trigger_req;
    vt_gbt_privilege priv_req;
    vt_gbt_interaction interaction;
    vt_gbt_impact c_imp, i_imp, a_imp;
    vt_gbt_level3 env_cost;           /* LOW, MEDIUM, HIGH */
    vt_gbt_level3 env_fix_difficulty; /* LOW, MEDIUM, HIGH */
    vt_gbt_level3 env_scope;          /* LOW, MEDIUM, HIGH, NONE */
} vt_gbt_inputs;

#define VT_GBT_INPUTS_INIT {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* The outcome of grading, with the intermediate levels for the record. */
typedef struct vt_grade {
    vt_grade_level level;
    vt_grade_method method;
    int expl_level;  /* table A result, 0 when not computed */
    int imp_level;   /* table B result */
    int env_level;   /* table C result */
    const char *note; /* static text: why unavailable, or a caveat; NULL if none */
} vt_grade;

/** Chinese name of a level (超危 ...), or "不可用"/"无"; static UTF-8. */
VT_EXTERN const char *vt_grade_level_zh(vt_grade_level level);
/** English name of a level ("critical" ...,"unavailable","none"); static. */
VT_EXTERN const char *vt_grade_level_en(vt_grade_level level);
/** Method tag as the spec writes it ("GBT30279_TECH" ...); static. */
VT_EXTERN const char *vt_grade_method_name(vt_grade_method method);

/**
 * The CVSS_DERIVED fallback: 9.0-10.0 critical, 7.0-8.9 high, 4.0-6.9
 * medium, 0.1-3.9 low, 0.0 none (manual review). Returns 0, or VT_EINVALID
 * for a score outside 0.0-10.0.
 */
VT_EXTERN int vt_grade_from_cvss_score(vt_grade *out, double base_score);

/** The loaded grading tables; see vt_grade_tables_load. */
typedef struct vt_grade_tables vt_grade_tables;

/**
 * Load tables A-E from a JSON data file's text (format in docs/grade.md).
 * On success *out is a new object freed with vt_grade_tables_free. Every
 * cell must be present; a missing or unknown cell is VT_EINVALID with err
 * naming its JSON pointer. Returns 0, VT_EINVALID or VT_ENOMEM.
 */
VT_EXTERN int vt_grade_tables_load(vt_grade_tables **out, const char *json,
                                   size_t len, vt_error *err);
VT_EXTERN void vt_grade_tables_free(vt_grade_tables *t);
/** The table set's id as the file names it; valid while `t` lives. */
VT_EXTERN const char *vt_grade_tables_id(const vt_grade_tables *t);
/** Lower-case hex SHA-256 of the loaded file; valid while `t` lives. */
VT_EXTERN const char *vt_grade_tables_sha256(const vt_grade_tables *t);

/**
 * Grade from indicators. With `tables` NULL the result is
 * VT_GRADE_UNAVAILABLE (note says no table is loaded); with incomplete
 * technical inputs, also UNAVAILABLE (note names the first missing one).
 * When all three environment inputs are set the comprehensive grade is
 * computed (method COMP), else the technical one (TECH). Always returns 0.
 */
VT_EXTERN int vt_grade_compute(vt_grade *out, const vt_grade_tables *tables,
                               const vt_gbt_inputs *in);

/**
 * Pre-fill the technical indicators from a CVSS v3.x or v4.0 vector string
 * (AV, AC (v4: AC or AT), PR, UI, C/I/A or VC/VI/VA), an inferred
 * correspondence the user may edit. Environment inputs are left unset.
 * Returns 0, VT_EINVALID (err says why) or VT_EUNSUPPORTED (v2 vector).
 */
VT_EXTERN int vt_grade_inputs_from_cvss(vt_gbt_inputs *out, const char *vector,
                                        size_t len, vt_error *err);

/**
 * Set one indicator by its field name ("access_path", "trigger_req",
 * "priv_req", "interaction", "c_imp", "i_imp", "a_imp", "env_cost",
 * "env_fix_difficulty", "env_scope") from a value given as the spec's code
 * ("AP_NETWORK", "IMP_SERIOUS", "LOW"), case-insensitively, or as its Chinese
 * label ("网络", "严重", "低"). Returns 0 or VT_EINVALID (err names the field
 * and lists the accepted values).
 */
VT_EXTERN int vt_grade_input_set(vt_gbt_inputs *in, const char *field,
                                 const char *value, vt_error *err);

/**
 * The indicators as JSON: one member per field that is set, each
 * {"code": "AP_NETWORK", "zh": "网络"}. On success *out is a new cJSON object
 * the caller frees with cJSON_Delete. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_grade_inputs_to_json(cJSON **out, const vt_gbt_inputs *in);

/**
 * The grade as JSON: {"zh": ..., "en": ..., "method": ...} plus "note" when
 * there is one. On success *out is a new cJSON object the caller frees with
 * cJSON_Delete. Returns 0 or VT_ENOMEM.
 */
VT_EXTERN int vt_grade_to_json(cJSON **out, const vt_grade *g);

#endif
