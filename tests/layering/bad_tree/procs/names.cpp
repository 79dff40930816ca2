// Fixture for the layering check's own test: a qualified name of the interpreter
// above engine/. Never compiled.
int f(wippy::interp::HostCall& call);
