#pragma once
// Reads a Hugging Face `config.json` into model parameters (the keys of ModelSpec::binding()), so
// `model: {hf_config: PATH}` describes any model of a supported architecture without a
// hand-written preset. Supported: Llama, Mistral, Mixtral, Qwen2, Qwen3, Qwen3-MoE,
// DeepSeek-V2/V3 (MLA), Gemma, Phi-3. The field mapping and what is not read (biases, sliding
// windows, rope scaling, torch_dtype) are in docs/models.md.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "xpusim/core/params.hpp"

namespace xpusim::model {

// The architectures accepted, as `architectures[0]` names them.
std::vector<std::string> hf_architectures();

// Parameters for ModelSpec::binding() from the JSON text of a config; `file` names it in errors.
// Throws xpusim::Error "FILE: key 'K': expected E (got G)" for a missing or malformed field, an
// unknown architecture (listing the supported ones) or a feature the model cannot express.
std::map<std::string, ParamValue> hf_config_params_from_text(const std::string& json_text,
                                                             const std::string& file);
// Reads `file` and converts it; the model name is the file's folder (`.../NAME/config.json`)
// or, for another file name, its stem.
std::map<std::string, ParamValue> hf_config_params(const std::filesystem::path& file);

}  // namespace xpusim::model
