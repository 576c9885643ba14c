//! Columns: strided reads and writes of one field of every record, compared with the same
//! values read through `&[T]`, on aligned and packed records, nested and subarray fields, by
//! handle and by name. Everything but the mmap test runs on in-memory buffers, under Miri too.

use typed_memmap::{
    Array, Column, ColumnMut, Element, Error, FieldHandle, FieldProblem, Order, Record,
};

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Tick {
    ts: u64,
    price: f64,
    qty: u32,
    side: u8,
    _pad: [u8; 3],
}

#[derive(Clone, Copy, Record)]
#[repr(C, packed)]
struct Packed {
    flag: u8,
    price: f64,
    qty: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Record)]
#[repr(C)]
struct Point {
    x: f32,
    y: f32,
}

#[derive(Clone, Copy, Record)]
#[repr(C, packed)]
struct Ship {
    id: u16,
    pos: Point,
    path: [Point; 2],
    rgb: [u8; 3],
}

fn ticks(n: usize) -> Vec<Tick> {
    (0..n)
        .map(|i| Tick {
            ts: 1000 + i as u64,
            price: 10.0 + i as f64 * 0.25,
            qty: 7 * i as u32,
            side: (i % 2) as u8,
            _pad: [0; 3],
        })
        .collect()
}

fn packed(n: usize) -> Vec<Packed> {
    (0..n)
        .map(|i| Packed {
            flag: i as u8,
            price: -1.5 * i as f64,
            qty: 100 + i as u32,
        })
        .collect()
}

fn ships(n: usize) -> Vec<Ship> {
    (0..n)
        .map(|i| {
            let f = i as f32;
            Ship {
                id: i as u16,
                pos: Point { x: f, y: -f },
                path: [
                    Point {
                        x: f + 0.5,
                        y: f + 1.5,
                    },
                    Point {
                        x: f + 2.5,
                        y: f + 3.5,
                    },
                ],
                rgb: [i as u8, 2 * i as u8, 3 * i as u8],
            }
        })
        .collect()
}

#[test]
fn aligned_column_reads_match_the_slice() {
    let data = ticks(5);
    let price = Column::from_slice(&data, Tick::fields().price);
    assert_eq!(price.len(), 5);
    assert!(!price.is_empty());
    assert_eq!(price.stride(), 24);
    assert_eq!(price.offset(), 8);
    let by_slice: Vec<f64> = data.iter().map(|t| t.price).collect();
    assert_eq!(price.to_vec(), by_slice);
    for (i, t) in data.iter().enumerate() {
        assert_eq!(price.get(i), Some(t.price));
    }
    assert_eq!(price.get(5), None);
    assert_eq!(price.first(), Some(10.0));
    assert_eq!(price.last(), Some(11.0));

    let side = Column::from_slice(&data, Tick::fields().side);
    assert_eq!(
        side.to_vec(),
        data.iter().map(|t| t.side).collect::<Vec<_>>()
    );
    let qty_sum: u32 = Column::from_slice(&data, Tick::fields().qty).iter().sum();
    assert_eq!(qty_sum, data.iter().map(|t| t.qty).sum());
}

#[test]
fn iteration_is_exact_size_and_double_ended() {
    let data = ticks(6);
    let ts = Column::from_slice(&data, Tick::fields().ts);
    let mut it = ts.iter();
    assert_eq!(it.len(), 6);
    assert_eq!(it.next(), Some(1000));
    assert_eq!(it.next_back(), Some(1005));
    assert_eq!(it.len(), 4);
    assert_eq!(it.nth(1), Some(1002));
    assert_eq!(it.next_back(), Some(1004));
    assert_eq!(it.next(), Some(1003));
    assert_eq!(it.len(), 0);
    assert_eq!(it.next(), None);
    assert_eq!(it.next_back(), None);
    let reversed: Vec<u64> = ts.iter().rev().collect();
    assert_eq!(
        reversed,
        data.iter().rev().map(|t| t.ts).collect::<Vec<_>>()
    );
    let mut count = 0;
    for v in &ts {
        assert_eq!(v, data[count].ts);
        count += 1;
    }
    assert_eq!(count, 6);
}

#[test]
fn empty_columns() {
    let none: [Tick; 0] = [];
    let price = Column::from_slice(&none, Tick::fields().price);
    assert!(price.is_empty());
    assert_eq!(price.get(0), None);
    assert_eq!(price.last(), None);
    assert_eq!(price.iter().next(), None);
    let mut none_mut: [Packed; 0] = [];
    let mut qty = ColumnMut::from_slice_mut(&mut none_mut, Packed::fields().qty);
    qty.fill(3);
    assert_eq!(qty.try_set(0, 1), None);
    assert!(qty.to_vec().is_empty());
}

#[test]
fn packed_column_reads_unaligned_fields() {
    let data = packed(7);
    let price = Column::from_slice(&data, Packed::fields().price);
    assert_eq!(price.stride(), 13);
    assert_eq!(price.offset(), 1);
    // Fields of a packed struct are copied out, never referenced.
    let by_slice: Vec<f64> = data.iter().map(|p| p.price).collect();
    assert_eq!(price.to_vec(), by_slice);
    let qty: Vec<u32> = Column::from_slice(&data, Packed::fields().qty)
        .iter()
        .rev()
        .collect();
    assert_eq!(qty, data.iter().rev().map(|p| p.qty).collect::<Vec<_>>());
}

#[test]
fn packed_column_writes() {
    let mut data = packed(4);
    {
        let mut price = ColumnMut::from_slice_mut(&mut data, Packed::fields().price);
        price.set(2, 99.5);
        assert_eq!(price.try_set(3, 1.25), Some(-4.5));
        assert_eq!(price.try_set(4, 0.0), None);
        assert_eq!(price.get(2), Some(99.5));
    }
    assert_eq!(
        data.iter().map(|p| p.price).collect::<Vec<_>>(),
        [0.0, -1.5, 99.5, 1.25]
    );
    // Neighbouring fields are untouched.
    assert_eq!(
        data.iter().map(|p| p.flag).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(
        data.iter().map(|p| p.qty).collect::<Vec<_>>(),
        [100, 101, 102, 103]
    );

    let mut qty = ColumnMut::from_slice_mut(&mut data, Packed::fields().qty);
    qty.update(|q| q * 2);
    assert_eq!(qty.to_vec(), [200, 202, 204, 206]);
    qty.fill(5);
    assert_eq!(qty.iter().collect::<Vec<_>>(), [5, 5, 5, 5]);
    assert_eq!(data.iter().map(|p| p.qty).collect::<Vec<_>>(), [5, 5, 5, 5]);
    assert_eq!(
        data.iter().map(|p| p.flag).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
}

#[test]
#[should_panic(expected = "column index 3 out of range for length 3")]
fn set_past_the_end_panics_like_indexing() {
    let mut data = ticks(3);
    ColumnMut::from_slice_mut(&mut data, Tick::fields().qty).set(3, 1);
}

#[test]
fn nested_and_subarray_fields() {
    let data = ships(4);
    let fields = Ship::fields();
    let y = Column::from_slice(&data, fields.pos.fields().y);
    assert_eq!(y.offset(), 2 + 4);
    assert_eq!(y.stride(), 2 + 8 + 16 + 3);
    assert_eq!(y.to_vec(), data.iter().map(|s| s.pos.y).collect::<Vec<_>>());

    let pos = Column::from_slice(&data, fields.pos);
    assert_eq!(pos.to_vec(), data.iter().map(|s| s.pos).collect::<Vec<_>>());

    let path = Column::from_slice(&data, fields.path);
    assert_eq!(
        path.to_vec(),
        data.iter().map(|s| s.path).collect::<Vec<_>>()
    );
    let rgb = Column::from_slice(&data, fields.rgb);
    assert_eq!(rgb.get(3), Some([3, 6, 9]));

    let mut data = data;
    let mut x = ColumnMut::from_slice_mut(&mut data, fields.pos.fields().x);
    x.update(|v| v + 100.0);
    assert_eq!(
        data.iter().map(|s| s.pos.x).collect::<Vec<_>>(),
        [100.0, 101.0, 102.0, 103.0]
    );
    assert_eq!(
        data.iter().map(|s| s.pos.y).collect::<Vec<_>>(),
        [0.0, -1.0, -2.0, -3.0]
    );
    let mut rgb = ColumnMut::from_slice_mut(&mut data, fields.rgb);
    rgb.set(0, [9, 8, 7]);
    assert_eq!({ data[0].rgb }, [9, 8, 7]);
    assert_eq!({ data[1].rgb }, [1, 2, 3]);
}

#[test]
fn by_name_matches_by_handle() {
    let data = ticks(3);
    let array = Array::from_vec(data.clone(), vec![3], Order::C).expect("shape matches");
    let by_name = array
        .column_by_name::<f64>("price")
        .expect("price is an f64 field");
    assert_eq!(
        by_name.to_vec(),
        array.column(Tick::fields().price).to_vec()
    );
    assert_eq!(by_name.offset(), Tick::fields().price.offset());

    let ships = ships(3);
    let handle = FieldHandle::<Ship, f32>::by_name("pos.y").expect("nested by dotted name");
    assert_eq!(handle, Ship::fields().pos.fields().y);
    let path = FieldHandle::<Ship, [Point; 2]>::by_name("path").expect("subarray of records");
    assert_eq!(
        Column::from_slice(&ships, path).get(1).map(|p| p[1].y),
        Some(4.5)
    );
}

#[test]
fn by_name_writes_through_array() {
    let mut array = Array::from_vec(ticks(3), vec![3], Order::C).expect("shape matches");
    array
        .column_by_name_mut::<u32>("qty")
        .expect("qty is u32")
        .fill(42);
    assert!(array.iter().all(|t| t.qty == 42));
    array.column_mut(Tick::fields().side).set(1, 9);
    assert_eq!(array[1].side, 9);
}

/// The problem and the message of a failed `by_name`, after checking the parts every such
/// error has: no path (a lookup by type alone) and the name asked for.
fn field_error<T: Element, F: Element>(name: &str) -> (FieldProblem, String) {
    match FieldHandle::<T, F>::by_name(name) {
        Err(err @ Error::Field { .. }) => {
            let message = err.to_string();
            let Error::Field {
                path,
                name: asked,
                problem,
                ..
            } = err
            else {
                unreachable!()
            };
            assert_eq!(path, None);
            assert_eq!(asked, name);
            (problem, message)
        }
        Err(other) => panic!("expected Error::Field, got {other}"),
        Ok(h) => panic!("expected an error for `{name}`, got {h:?}"),
    }
}

#[test]
fn by_name_errors_list_fields_and_dtypes() {
    let (problem, missing) = field_error::<Tick, f64>("prise");
    // Padding is not a field.
    assert_eq!(
        problem,
        FieldProblem::Missing {
            fields: ["ts", "price", "qty", "side"].map(String::from).to_vec()
        }
    );
    assert!(missing.contains("no field `prise`"), "{missing}");
    assert!(
        missing.contains("`ts`, `price`, `qty`, `side`"),
        "{missing}"
    );
    assert!(!missing.contains("_pad"), "{missing}");

    let (problem, wrong) = field_error::<Tick, f32>("price");
    assert!(
        matches!(&problem, FieldProblem::WrongDtype { found, wanted, type_name: "f32" }
            if found == "'<f8'" && wanted == "'<f4'"),
        "{problem:?}"
    );
    assert!(
        wrong.contains("'<f8'") && wrong.contains("'<f4'"),
        "{wrong}"
    );

    let (problem, not_record) = field_error::<u64, u64>("x");
    assert_eq!(
        problem,
        FieldProblem::NotARecord {
            dtype: "'<u8'".into()
        }
    );
    assert!(not_record.contains("is not a record"), "{not_record}");

    let (problem, nested_missing) = field_error::<Ship, f32>("pos.z");
    assert!(
        matches!(&problem, FieldProblem::Missing { fields } if fields[0] == "id"),
        "{problem:?}"
    );
    assert!(
        nested_missing.contains("no field `pos.z`"),
        "{nested_missing}"
    );
}

#[test]
fn columns_are_send_and_sync_views() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let data = ticks(2);
    let c = Column::from_slice(&data, Tick::fields().ts);
    assert_send_sync(&c);
    let copy = c;
    assert_eq!(format!("{copy:?}"), "[1000, 1001]");
}

#[test]
#[cfg_attr(miri, ignore = "mmap")]
fn columns_over_a_mapped_file() -> Result<(), Box<dyn std::error::Error>> {
    use typed_memmap::{Memmap, Options};
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("ships.bin");
    let want = ships(50);
    {
        // SAFETY: the file is private to this test.
        let mut map = unsafe { Options::<Ship>::new().shape([want.len()]).create(&path)? };
        map.copy_from_slice(&want);
        map.column_mut(Ship::fields().id).update(|id| id + 1);
        map.column_by_name_mut::<f32>("pos.x")?.fill(0.5);
        map.flush()?;
    }
    // SAFETY: as above.
    let map: Memmap<Ship> = unsafe { Options::new().open(&path)? };
    assert_eq!(map.len(), 50);
    let ids = map.column(Ship::fields().id).to_vec();
    assert_eq!(ids, (1..=50).collect::<Vec<u16>>());
    let xs = map.column_by_name::<f32>("pos.x")?;
    assert!(xs.iter().all(|x| x == 0.5));
    // By-name errors on a map name its file.
    let err = map.column_by_name::<f32>("pos.w").unwrap_err();
    assert!(
        matches!(&err, Error::Field { path: Some(p), name, .. } if p == &path && name == "pos.w"),
        "{err:?}"
    );
    assert_eq!(err.path(), Some(path.as_path()));
    let ys = map.column(Ship::fields().pos.fields().y).to_vec();
    assert_eq!(ys, want.iter().map(|s| s.pos.y).collect::<Vec<_>>());
    assert_eq!(ys, map.iter().map(|s| s.pos.y).collect::<Vec<_>>());
    Ok(())
}
