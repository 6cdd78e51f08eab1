// Reading an Excel download back in tests: one member of the .xlsx (a zip),
// unpacked with the unzip command, and the rows of a sheet's XML.
#pragma once

#include <string>

namespace zhida::http::testing {

// The member (xl/worksheets/sheet1.xml, xl/sharedStrings.xml …) of the
// .xlsx in `bytes`; empty when it is not there.
std::string xlsx_member(const std::string& bytes, const std::string& member);

// The rows of a sheet's XML: its <row r="N" …> elements.
int count_rows(const std::string& sheet_xml);

}  // namespace zhida::http::testing
