{#- dbt_utils-compatible: rows whose value is outside [min_value, max_value] (bounds optional, inclusive by default). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

with meet_condition as (

    select {{ column_name }} as tested_value
    from {{ model }}

),

validation_errors as (

    select tested_value
    from meet_condition
    where
        1 = 2
        {%- if min_value is not none %}
            or not (tested_value {{ ">=" if inclusive else ">" }} {{ min_value }})
        {%- endif %}
        {%- if max_value is not none %}
            or not (tested_value {{ "<=" if inclusive else "<" }} {{ max_value }})
        {%- endif %}

)

select * from validation_errors

{% endtest %}
