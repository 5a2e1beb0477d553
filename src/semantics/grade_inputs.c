/*
 * grade_inputs.c - the GB/T 30279 §8.2 indicators by name: the spec's codes
 * and Chinese labels, for the CLI, the API and the stored record (which keeps
 * both the code and the label).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vulntrack/grade.h"
#include "vulntrack/json.h"
#include "vulntrack/strparse.h"

struct value_name {
    const char *code;
    const char *zh;
};

struct field_def {
    const char *field;
    size_t offset;                  /* of the enum member in vt_gbt_inputs */
    const struct value_name *values; /* enum value i+1 is values[i] */
    size_t count;
};

static const struct value_name access_paths[] = {
    {"AP_NETWORK", "网络"}, {"AP_ADJACENT", "邻接"}, {"AP_LOCAL", "本地"}, {"AP_PHYSICAL", "物理"}};
static const struct value_name triggers[] = {{"TR_LOW", "低"}, {"TR_HIGH", "高"}};
static const struct value_name privileges[] = {
    {"PRV_NONE", "无"}, {"PRV_LOW", "低"}, {"PRV_HIGH", "高"}};
static const struct value_name interactions[] = {
    {"UI_NOT_REQUIRED", "不需要"}, {"UI_REQUIRED", "需要"}};
static const struct value_name impacts[] = {
    {"IMP_SERIOUS", "严重"}, {"IMP_GENERAL", "一般"}, {"IMP_NONE", "无"}};
static const struct value_name levels[] = {
    {"LOW", "低"}, {"MEDIUM", "中"}, {"HIGH", "高"}};
static const struct value_name scopes[] = {
    {"LOW", "低"}, {"MEDIUM", "中"}, {"HIGH", "高"}, {"NONE", "无"}};

#define FIELD(name, table) \
    {#name, offsetof(vt_gbt_inputs, name), table, sizeof(table) / sizeof(table[0])}

static const struct field_def fields[] = {
    FIELD(access_path, access_paths), FIELD(trigger_req, triggers),
    FIELD(priv_req, privileges),      FIELD(interaction, interactions),
    FIELD(c_imp, impacts),            FIELD(i_imp, impacts),
    FIELD(a_imp, impacts),            FIELD(env_cost, levels),
    FIELD(env_fix_difficulty, levels), FIELD(env_scope, scopes),
};

#define FIELD_COUNT (sizeof(fields) / sizeof(fields[0]))

/*
 * Every indicator member is an enum, which C stores as int; going through
 * the offset keeps one table instead of ten switch statements.
 */
static int *field_slot(vt_gbt_inputs *in, const struct field_def *f)
{
    return (int *)(void *)((char *)in + f->offset);
}

static int field_value(const vt_gbt_inputs *in, const struct field_def *f)
{
    return *(const int *)(const void *)((const char *)in + f->offset);
}

int vt_grade_input_set(vt_gbt_inputs *in, const char *field, const char *value,
                       vt_error *err)
{
    const struct field_def *f = NULL;
    char accepted[200] = "";
    size_t i, used = 0;

    for (i = 0; i < FIELD_COUNT; i++)
        if (strcmp(fields[i].field, field) == 0)
            f = &fields[i];
    if (!f)
        return vt_error_set(err, VT_EINVALID, 0, "unknown indicator '%s'", field);
    for (i = 0; i < f->count; i++) {
        const char *code = f->values[i].code;
        const char *tail = strchr(code, '_');

        /* "AP_NETWORK", "network" (the code without its prefix) or "网络". */
        if (vt_ascii_ieq(value, strlen(value), code) ||
            (tail && vt_ascii_ieq(value, strlen(value), tail + 1)) ||
            strcmp(value, f->values[i].zh) == 0) {
            *field_slot(in, f) = (int)i + 1;
            return 0;
        }
        used += (size_t)snprintf(accepted + used, sizeof(accepted) - used, "%s%s",
                                 i ? ", " : "", code);
        if (used >= sizeof(accepted))
            used = sizeof(accepted) - 1;
    }
    return vt_error_set(err, VT_EINVALID, 0, "%s: unknown value '%s' (expected %s)",
                        field, value, accepted);
}

int vt_grade_inputs_to_json(cJSON **out, const vt_gbt_inputs *in)
{
    cJSON *obj = cJSON_CreateObject();
    size_t i;
    int error = obj ? 0 : VT_ENOMEM;

    *out = NULL;
    for (i = 0; !error && i < FIELD_COUNT; i++) {
        int v = field_value(in, &fields[i]);
        cJSON *item;

        if (v < 1 || (size_t)v > fields[i].count)
            continue;
        item = cJSON_CreateObject();
        error = vt_json_add_take(obj, fields[i].field, item);
        if (!error)
            error = vt_json_add_str(item, "code", fields[i].values[v - 1].code);
        if (!error)
            error = vt_json_add_str(item, "zh", fields[i].values[v - 1].zh);
    }
    if (error) {
        cJSON_Delete(obj);
        return error;
    }
    *out = obj;
    return 0;
}
