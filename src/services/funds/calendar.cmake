# The working-day calendars (calendar/*.json) compiled into the services
# library: work_calendar_files() in zhida::services returns their texts.
# Sets ZHIDA_WORK_CALENDAR_SOURCES.
file(GLOB _zhida_calendars CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/calendar/*.json)
list(SORT _zhida_calendars)
set(_zhida_calendar_cc ${CMAKE_CURRENT_BINARY_DIR}/funds/work_calendar_files.cc)
add_custom_command(OUTPUT ${_zhida_calendar_cc}
  COMMAND ${CMAKE_COMMAND} -DOUT=${_zhida_calendar_cc} -DNAMESPACE=zhida::services -DFUNCTION=work_calendar_files
          "-DFILES=${_zhida_calendars}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_list.cmake
  DEPENDS ${_zhida_calendars} ${CMAKE_SOURCE_DIR}/cmake/embed_list.cmake
  COMMENT "Embedding the working-day calendars"
  VERBATIM)
set(ZHIDA_WORK_CALENDAR_SOURCES ${_zhida_calendar_cc})
