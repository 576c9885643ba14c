//! Index, stride and cast arithmetic that needs no file, so that it runs under Miri:
//! `cargo +nightly miri test --test shape_index`.

use typed_memmap::byteorder::{BigEndian, LittleEndian, F32, I16, U16};
use typed_memmap::shape::{element_count, linear_index, strides, unravel};
use typed_memmap::{bytes_of, bytes_of_mut, Array, Bool, Element, Order, Value};

/// numpy's strides, printed by numpy 2.4.6 for `np.ndarray(shape, dtype, buffer=..., order=o)`,
/// the constructor `np.memmap` uses: for each shape, itemsizes 1, 2 and 8, in C then F order.
/// A zero-length axis counts as length 1 (arrays numpy allocates itself get all-zero strides
/// instead, but maps are built on a buffer). `memmap_numpy.rs` checks maps against live numpy.
#[rustfmt::skip]
const NUMPY_STRIDES: &[(&[usize], BySize)] = &[
    (&[], [[&[], &[]], [&[], &[]], [&[], &[]]]),
    (&[5], [[&[1], &[1]], [&[2], &[2]], [&[8], &[8]]]),
    (&[3, 4], [[&[4, 1], &[1, 3]], [&[8, 2], &[2, 6]], [&[32, 8], &[8, 24]]]),
    (&[2, 3, 4], [[&[12, 4, 1], &[1, 2, 6]], [&[24, 8, 2], &[2, 4, 12]],
                  [&[96, 32, 8], &[8, 16, 48]]]),
    (&[0, 3], [[&[3, 1], &[1, 1]], [&[6, 2], &[2, 2]], [&[24, 8], &[8, 8]]]),
    (&[3, 0], [[&[1, 1], &[1, 3]], [&[2, 2], &[2, 6]], [&[8, 8], &[8, 24]]]),
    (&[2, 0, 4], [[&[4, 4, 1], &[1, 2, 2]], [&[8, 8, 2], &[2, 4, 4]],
                  [&[32, 32, 8], &[8, 16, 16]]]),
    (&[1, 1, 1, 7], [[&[7, 7, 7, 1], &[1, 1, 1, 1]], [&[14, 14, 14, 2], &[2, 2, 2, 2]],
                     [&[56, 56, 56, 8], &[8, 8, 8, 8]]]),
    (&[4, 1, 3], [[&[3, 3, 1], &[1, 4, 4]], [&[6, 6, 2], &[2, 8, 8]],
                  [&[24, 24, 8], &[8, 32, 32]]]),
];

/// Strides for itemsizes 1, 2 and 8, each `[C, F]`.
type BySize = [[&'static [usize]; 2]; 3];

#[test]
fn strides_match_numpy() {
    for (shape, by_size) in NUMPY_STRIDES {
        for (itemsize, [c, f]) in [1, 2, 8].into_iter().zip(by_size) {
            assert_eq!(
                strides(shape, itemsize, Order::C).as_deref(),
                Some(*c),
                "{shape:?}"
            );
            assert_eq!(
                strides(shape, itemsize, Order::F).as_deref(),
                Some(*f),
                "{shape:?}"
            );
        }
    }
}

#[test]
fn strides_that_overflow_are_none() {
    assert_eq!(strides(&[usize::MAX, 2], 1, Order::C), None);
    assert_eq!(strides(&[2, usize::MAX], 1, Order::F), None);
    assert_eq!(strides(&[1 << 62, 2], 8, Order::C), None);
    // The largest stride is itemsize * prod(other axes); that product fitting is enough.
    assert_eq!(
        strides(&[1, usize::MAX], 1, Order::C),
        Some(vec![usize::MAX, 1])
    );
}

/// Every index of `shape` in logical C order.
fn all_indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &d in shape {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..d).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect();
    }
    out
}

#[test]
fn linear_index_is_the_stride_sum_and_a_bijection() {
    let shapes: [&[usize]; 8] = [
        &[],
        &[5],
        &[3, 4],
        &[2, 3, 4],
        &[4, 1, 3],
        &[2, 3, 1, 2],
        &[0, 3],
        &[3, 0],
    ];
    for shape in shapes {
        for order in [Order::C, Order::F] {
            let count = element_count(shape).unwrap();
            let byte_strides = strides(shape, 8, order).unwrap();
            let mut seen = vec![false; count];
            let indices = all_indices(shape);
            assert_eq!(indices.len(), count);
            for index in indices {
                let pos = linear_index(shape, order, &index).unwrap();
                // numpy's address rule: offset = sum(index[k] * strides[k]).
                let bytes: usize = index.iter().zip(&byte_strides).map(|(i, s)| i * s).sum();
                assert_eq!(pos * 8, bytes, "{shape:?} {order} {index:?}");
                assert!(!seen[pos], "{shape:?} {order}: {pos} twice");
                seen[pos] = true;
                assert_eq!(unravel(shape, order, pos), index);
            }
            assert!(seen.into_iter().all(|s| s));
        }
    }
}

#[test]
fn f_order_puts_the_first_axis_fastest() {
    // numpy's measured case: in a (3, 4) F-order map, element [i, j] is item i + 3 * j.
    for i in 0..3 {
        for j in 0..4 {
            assert_eq!(linear_index(&[3, 4], Order::F, &[i, j]), Some(i + 3 * j));
            assert_eq!(linear_index(&[3, 4], Order::C, &[i, j]), Some(4 * i + j));
        }
    }
}

#[test]
fn out_of_bounds_and_wrong_rank_are_none() {
    let shape = [2, 3, 4];
    for order in [Order::C, Order::F] {
        assert_eq!(linear_index(&shape, order, &[2, 0, 0]), None);
        assert_eq!(linear_index(&shape, order, &[0, 3, 0]), None);
        assert_eq!(linear_index(&shape, order, &[0, 0, 4]), None);
        assert_eq!(linear_index(&shape, order, &[usize::MAX, 0, 0]), None);
        assert_eq!(linear_index(&shape, order, &[0, 0]), None);
        assert_eq!(linear_index(&shape, order, &[0, 0, 0, 0]), None);
        assert_eq!(linear_index(&[0, 3], order, &[0, 0]), None);
        assert_eq!(linear_index(&[], order, &[]), Some(0));
        assert_eq!(linear_index(&[], order, &[0]), None);
    }
}

#[test]
fn element_counts() {
    assert_eq!(element_count(&[]), Some(1));
    assert_eq!(element_count(&[7, 0, usize::MAX]), Some(0));
    assert_eq!(element_count(&[1 << 32, 1 << 31]), Some(1 << 63));
    assert_eq!(element_count(&[1 << 32, 1 << 32]), None);
}

#[test]
fn bytes_of_views_elements_in_memory_order() {
    let ints = [0x0102_0304u32, 0xA0B0_C0D0];
    let mut want = Vec::new();
    for x in ints {
        want.extend_from_slice(&x.to_ne_bytes());
    }
    assert_eq!(bytes_of(&ints), want);
    assert_eq!(bytes_of(&[1.5f64]), 1.5f64.to_ne_bytes());
    assert_eq!(bytes_of(&[U16::<BigEndian>::new(0x1234)]), [0x12, 0x34]);
    assert_eq!(bytes_of(&[I16::<LittleEndian>::new(-2)]), [0xFE, 0xFF]);
    assert_eq!(bytes_of(&[Bool::TRUE, Bool::FALSE]), [1, 0]);
    assert_eq!(bytes_of(&[[1i16, 2, 3]]).len(), 6);
    assert_eq!(bytes_of::<u64>(&[]), [] as [u8; 0]);
    assert_eq!(bytes_of(&[[0u8; 0]; 5]), [] as [u8; 0]);

    let mut floats = [0f32; 3];
    bytes_of_mut(&mut floats)[4..8].copy_from_slice(&(-0.5f32).to_ne_bytes());
    assert_eq!(floats, [0.0, -0.5, 0.0]);
    // Any byte is a valid `Bool`; it reads as numpy reads it.
    let mut flags = [Bool::FALSE; 2];
    bytes_of_mut(&mut flags)[1] = 7;
    assert!(flags[1].get());
    assert_eq!(flags[1].to_byte(), 7);
    // An unaligned view: byte-order types have alignment 1, so any offset into bytes works.
    let bytes = [0u8, 0x40, 0x49, 0x0F, 0xDB];
    let x = F32::<BigEndian>::new(f32::from_be_bytes([0x40, 0x49, 0x0F, 0xDB]));
    assert_eq!(bytes_of(&[x]), &bytes[1..]);
}

#[test]
fn value_decodes_by_dtype() {
    let decode = |dtype, bytes: &[u8]| Value::decode(&dtype, bytes).unwrap();
    assert_eq!(
        decode(U16::<BigEndian>::dtype(), &[0x12, 0x34]),
        Value::UInt(0x1234)
    );
    assert_eq!(
        decode(I16::<LittleEndian>::dtype(), &[0xFE, 0xFF]),
        Value::Int(-2)
    );
    assert_eq!(decode(Bool::dtype(), &[7]), Value::Bool(true));
    assert_eq!(decode(Bool::dtype(), &[0]), Value::Bool(false));
    assert_eq!(
        decode(f64::dtype(), &(-0.0f64).to_ne_bytes()),
        Value::Float {
            value: -0.0,
            bits: 64
        }
    );
    #[cfg(feature = "f16")]
    assert_eq!(
        decode(half::f16::dtype(), &half::f16::from_f32(1.5).to_ne_bytes()),
        Value::Float {
            value: 1.5,
            bits: 16
        }
    );
    #[cfg(feature = "complex")]
    {
        let mut bytes = 2.5f32.to_ne_bytes().to_vec();
        bytes.extend_from_slice(&(-1.0f32).to_ne_bytes());
        assert_eq!(
            decode(num_complex::Complex::<f32>::dtype(), &bytes),
            Value::Complex {
                re: 2.5,
                im: -1.0,
                bits: 32
            }
        );
    }
    // A subarray decodes in C order with its shape; extra bytes are ignored.
    let items = [1i16, 2, 3, 4, 5, 6, 99];
    assert_eq!(
        decode(<[[i16; 3]; 2]>::dtype(), bytes_of(&items)),
        Value::Array(vec![2, 3], (1..=6).map(Value::Int).collect())
    );
    // Too few bytes is `None`, never a panic or an out-of-bounds read.
    assert_eq!(Value::decode(&u32::dtype(), &[1, 2, 3]), None);
    assert_eq!(Value::decode(&<[u32; 2]>::dtype(), &[0; 7]), None);
    assert_eq!(Value::decode(&f64::dtype(), &[]), None);
}

#[test]
fn array_from_vec_indexes_like_a_map() {
    assert!(Array::from_vec(vec![1u8, 2, 3], vec![2, 2], Order::C).is_none());
    assert!(Array::from_vec(vec![1u8], vec![usize::MAX, 2], Order::C).is_none());

    let data: Vec<i32> = (0..12).collect();
    let c = Array::from_vec(data.clone(), vec![3, 4], Order::C).unwrap();
    let mut f = Array::from_vec(data, vec![3, 4], Order::F).unwrap();
    assert_eq!(c.strides(), [16, 4]);
    assert_eq!(f.strides(), [4, 12]);
    assert_eq!(c.get(&[1, 2]), Some(&6));
    assert_eq!(f.get(&[1, 2]), Some(&7));
    assert_eq!(c.get(&[3, 0]), None);
    assert_eq!(f.get(&[0, 4]), None);
    assert_eq!(f.get(&[0]), None);
    *f.get_mut(&[2, 3]).unwrap() = -1;
    assert_eq!(f[11], -1);
    assert!(f.get_mut(&[3, 3]).is_none());
    assert_eq!((f.shape(), f.order()), (&[3, 4][..], Order::F));

    let scalar = Array::from_vec(vec![2.5f64], vec![], Order::C).unwrap();
    assert_eq!(scalar.get(&[]), Some(&2.5));
    assert!(scalar.strides().is_empty());
    let empty = Array::<u16>::from_vec(vec![], vec![4, 0], Order::F).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.get(&[0, 0]), None);
    assert_eq!(empty.strides(), [2, 8]);
    assert_eq!(empty.into_vec(), []);
}
