#include "procs/event.h"

namespace wippy::procs {

const char* event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::Exit: return "pid.exit";
    case EventKind::LinkDown: return "pid.link.down";
    case EventKind::Cancel: return "pid.cancel";
  }
  return "?";
}

const char* event_type_name(EventKind k) {
  switch (k) {
    case EventKind::Exit: return "EXIT";
    case EventKind::LinkDown: return "LINK_DOWN";
    case EventKind::Cancel: return "CANCEL";
  }
  return "?";
}

std::string Event::to_string() const {
  std::string s = event_type_name(kind);
  s += " from " + from.to_string();
  if (error) s += " error=" + *error;
  else s += " value=" + value.to_string();
  return s;
}

}  // namespace wippy::procs
