"""Raw ctypes prototypes of every function in include/acla.h, for the hostile tests.

Deliberately not the friendly binding (the package examples/python/acla/): these tests must reach the C
boundary with exactly the values a careless or malicious C caller could pass (NULL anywhere,
sizes near 2^64, negative int32), which the binding's own checks would stop first.
"""
import ctypes
import re
from ctypes import POINTER, c_char_p, c_double, c_float, c_int32, c_int64, c_size_t, c_uint8, c_uint32, c_uint64, c_void_p

i32p, u32p, u64p, f64p = POINTER(c_int32), POINTER(c_uint32), POINTER(c_uint64), POINTER(c_double)
f32p, u8p, szp, i64p, handlep = POINTER(c_float), POINTER(c_uint8), POINTER(c_size_t), POINTER(c_int64), POINTER(c_void_p)

# name: (restype, argtypes)
PROTOTYPES = {
    # library
    "acla_version_string": (c_char_p, []),
    "acla_version_number": (c_uint32, []),
    "acla_status_string": (c_char_p, [c_int32]),
    "acla_last_error_message": (c_char_p, []),
    "acla_set_num_threads": (c_int32, [c_int32]),
    "acla_set_memory_limit": (c_int32, [c_uint64]),
    "acla_get_memory_limit": (c_uint64, []),
    "acla_get_num_threads": (c_int32, []),
    "acla_get_max_threads": (c_int32, []),
    # models
    "acla_model_create": (c_int32, [c_char_p, handlep]),
    "acla_model_load": (c_int32, [c_char_p, c_char_p, handlep]),
    "acla_model_load_ex": (c_int32, [c_char_p, c_char_p, c_uint32, handlep]),
    "acla_model_save": (c_int32, [c_void_p, c_char_p]),
    "acla_model_destroy": (None, [c_void_p]),
    "acla_model_config": (c_int32, [c_void_p, c_void_p, c_size_t, szp]),
    "acla_model_parameter_count": (c_int32, [c_void_p, u64p]),
    "acla_model_macs": (c_int32, [c_void_p, c_int32, c_int32, u64p]),
    "acla_model_output_size": (c_int32, [c_void_p, c_int32, c_int32, i32p, i32p, i32p]),
    "acla_model_forward": (c_int32, [c_void_p, f32p, c_int32, c_int32, c_int32, c_int32, f32p, c_size_t]),
    "acla_model_set_allow_nonfinite": (c_int32, [c_void_p, c_int32]),
    "acla_model_get_parameter": (c_int32, [c_void_p, c_char_p, f32p, c_size_t]),
    "acla_model_set_parameter": (c_int32, [c_void_p, c_char_p, f32p, c_size_t]),
    "acla_model_parameter_names": (c_int32, [c_void_p, c_void_p, c_size_t, szp]),
    "acla_model_parameter_shape": (c_int32, [c_void_p, c_char_p, i64p, c_int32, i32p]),
    # bundled models
    "acla_model_load_default": (c_int32, [c_char_p, handlep]),
    "acla_models_catalog": (c_int32, [c_void_p, c_size_t, szp]),
    # attention
    "acla_model_attention_count": (c_int32, [c_void_p, i32p]),
    "acla_model_attention_module": (c_int32, [c_void_p, c_int32, i32p, i32p, i32p]),
    "acla_model_attention_sources": (c_int32, [c_void_p, c_int32, i32p, c_int32, i32p]),
    "acla_model_attention_open_fraction": (c_int32, [c_void_p, c_int32, f64p]),
    "acla_model_attention_macs": (c_int32, [c_void_p, c_int32, u64p]),
    "acla_model_measured_macs": (c_int32, [c_void_p, u64p]),
    "acla_model_set_probe": (c_int32, [c_void_p, c_int32, c_int32]),
    "acla_model_probe_keys": (c_int32, [c_void_p, c_int32, i32p, f32p, f32p, f32p, u8p, c_size_t, szp]),
    "acla_model_set_attention_memory_limit": (c_int32, [c_void_p, c_uint64]),
    "acla_model_search_positions": (c_int32, [c_void_p, i32p, c_int32, i32p]),
    "acla_model_derive": (c_int32, [c_void_p, i32p, c_int32, handlep]),
    # imaging
    "acla_image_set_pixel_limit": (c_int32, [c_int64]),
    "acla_image_get_pixel_limit": (c_int64, []),
    "acla_image_info": (c_int32, [c_char_p, i32p, i32p, i32p, i32p, u32p]),
    "acla_image_read": (c_int32, [c_char_p, u8p, c_size_t, i32p, i32p, i32p, u32p]),
    "acla_image_info_ex": (c_int32, [c_char_p, c_uint32, i32p, i32p, i32p, i32p, u32p]),
    "acla_image_read_ex": (c_int32, [c_char_p, c_uint32, u8p, c_size_t, i32p, i32p, i32p, u32p]),
    "acla_image_write": (c_int32, [c_char_p, u8p, c_size_t, c_int32, c_int32, c_int32, c_int32]),
    "acla_resize_output_size": (c_int32, [c_int32, c_int32, c_double, i32p, i32p]),
    "acla_resize_bicubic": (c_int32, [u8p, c_size_t, c_int32, c_int32, c_int32, c_double, c_int32, u8p, c_size_t]),
    "acla_resize_bicubic_f32": (c_int32, [f32p, c_size_t, c_int32, c_int32, c_int32, c_double, c_int32, f32p, c_size_t]),
    "acla_modcrop": (c_int32, [u8p, c_size_t, c_int32, c_int32, c_int32, c_int32, u8p, c_size_t]),
    "acla_degrade_noise": (c_int32, [f32p, f32p, c_size_t, c_int32, c_int32, c_int32, c_double, c_uint64]),
    "acla_degrade_noise_u8": (c_int32, [u8p, u8p, c_size_t, c_int32, c_int32, c_int32, c_double, c_uint64]),
    "acla_degrade_mosaic": (c_int32, [u8p, u8p, c_size_t, c_int32, c_int32]),
    "acla_degrade_jpeg": (c_int32, [u8p, u8p, c_size_t, c_int32, c_int32, c_int32, c_int32]),
    "acla_rgb_to_gray": (c_int32, [u8p, c_size_t, c_int32, c_int32, u8p, c_size_t]),
    "acla_rgb_to_y": (c_int32, [u8p, c_size_t, c_int32, c_int32, f32p, c_size_t]),
    "acla_psnr": (c_int32, [u8p, u8p, c_size_t, c_int32, c_int32, c_int32, c_int32, c_int32, f64p]),
    "acla_ssim": (c_int32, [u8p, u8p, c_size_t, c_int32, c_int32, c_int32, c_int32, c_int32, f64p]),
    "acla_psnr_f32": (c_int32, [f32p, f32p, c_size_t, c_int32, c_int32, c_int32, c_int32, c_int32, f64p]),
    "acla_ssim_f32": (c_int32, [f32p, f32p, c_size_t, c_int32, c_int32, c_int32, c_int32, c_int32, f64p]),
    # training
    "acla_trainer_create": (c_int32, [c_void_p, c_char_p, handlep]),
    "acla_trainer_destroy": (None, [c_void_p]),
    "acla_trainer_step": (c_int32, [c_void_p, f32p, c_int32, c_int32, c_int32, c_int32, f32p, c_size_t, f64p]),
    "acla_trainer_alpha_step": (c_int32, [c_void_p, f32p, c_int32, c_int32, c_int32, c_int32, f32p, c_size_t, f64p]),
    "acla_trainer_save": (c_int32, [c_void_p, c_char_p]),
    "acla_trainer_resume": (c_int32, [c_void_p, c_char_p]),
    "acla_trainer_set_learning_rate": (c_int32, [c_void_p, c_double]),
    "acla_trainer_get_learning_rate": (c_int32, [c_void_p, f64p]),
    "acla_trainer_get_step": (c_int32, [c_void_p, i64p]),
    "acla_trainer_get_alpha_step": (c_int32, [c_void_p, i64p]),
    "acla_trainer_set_gate_temperature": (c_int32, [c_void_p, c_double, c_double]),
    "acla_trainer_options": (c_int32, [c_void_p, c_void_p, c_size_t, szp]),
    "acla_trainer_run": (c_int32, [c_void_p, c_char_p, ctypes.CFUNCTYPE(c_int32, c_void_p, c_int64, c_int64), c_void_p]),
    "acla_trainer_validation": (c_int32, [c_void_p, f64p, f64p]),
    "acla_trainer_set_communicator": (c_int32, [c_void_p, c_int32, c_int32,
                                                ctypes.CFUNCTYPE(c_int32, c_void_p, f32p, c_size_t, c_double),
                                                c_void_p, c_size_t, c_double]),
}


def declared_functions(header_text):
    """Names of the functions include/acla.h declares (comments stripped first)."""
    text = re.sub(r"/\*.*?\*/", " ", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return set(re.findall(r"^\s*(?:const\s+)?[a-z_0-9]+\s*\**\s*(acla_[a-z_0-9]+)\s*\(", text, flags=re.M))


def load(path):
    """The library with every prototype set; a missing prototype is a KeyError at use."""
    lib = ctypes.CDLL(path)
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib
