# The demo corpus (catalog.json, policies.json) compiled into the executable:
# each JSON file becomes a .cc whose function returns its text, so `zhida`
# works from any directory. Sets ZHIDA_DEMO_CORPUS_SOURCES.
set(_zhida_embed_script ${CMAKE_CURRENT_LIST_DIR}/embed.cmake)
set(ZHIDA_DEMO_CORPUS_SOURCES)
foreach(_name catalog policies)
  set(_in ${CMAKE_CURRENT_LIST_DIR}/corpus/${_name}.json)
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/demo/${_name}_json.cc)
  add_custom_command(OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DIN=${_in} -DOUT=${_out} -DSYMBOL=demo_${_name}_json
            -P ${_zhida_embed_script}
    DEPENDS ${_in} ${_zhida_embed_script}
    COMMENT "Embedding demo corpus ${_name}.json"
    VERBATIM)
  list(APPEND ZHIDA_DEMO_CORPUS_SOURCES ${_out})
endforeach()
