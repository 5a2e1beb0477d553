# Turn the file IN into a C source OUT defining
#   const unsigned char vt_openapi_yaml[]; const unsigned long vt_openapi_yaml_len;
# (hex bytes, so any content is safe). Run with cmake -P.
file(READ ${IN} content HEX)
string(LENGTH "${content}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "/* Generated from docs/openapi.yaml by cmake/embed.cmake. */\n"
  "const unsigned char vt_openapi_yaml[] = {${bytes} 0};\n"
  "const unsigned long vt_openapi_yaml_len = ${len};\n")
